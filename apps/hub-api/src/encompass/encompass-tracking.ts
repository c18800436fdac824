import { DataSource } from 'typeorm';
import { DEFAULT_SCHOOL_TIME_ZONE } from '../../../../libs/contracts/src';
import { Acknowledgement } from '../notifications/notifications.service';

/**
 * Where a child's notification stands: `no-school` (nobody knows the school: police to find
 * it), `sent` (the school's notification is waiting in its inbox), `delivered` (the school
 * has read it), `acknowledged` (its safeguarding lead acknowledged it).
 */
export const ENCOMPASS_STATUSES = ['no-school', 'sent', 'delivered', 'acknowledged'] as const;
export type EncompassStatus = (typeof ENCOMPASS_STATUSES)[number];

/** One child's notification on the police tracking list: references only, no names. */
export interface EncompassTrackingRow {
  /** the notification (consolidation's id: the same for the incident and this child) */
  id: string;
  incidentRef: string;
  childSubjectId: string;
  school: { urn: string; name: string } | null;
  dueBy: string;
  status: EncompassStatus;
  /** not acknowledged by `dueBy`, and `dueBy` has passed */
  overdue: boolean;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: Acknowledgement['by'] | null;
}

export interface EncompassQuery {
  /** first and last UK date of `dueBy`, both included */
  from?: string;
  to?: string;
  status?: EncompassStatus;
  limit: number;
}

/**
 * The police Encompass officers' tracking list: every child's notification from
 * consolidation, with what became of the school's notification in hub-api. The child is
 * shown by their current hub subject id (following merges); erased children are gone from
 * consolidation and so from here.
 */
export class EncompassTracking {
  constructor(private readonly dataSource: DataSource) {}

  async list(q: EncompassQuery): Promise<EncompassTrackingRow[]> {
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT s.id, s.incident_ref, coalesce(cur.current_id, s.subject_id) AS child_subject_id, s.school_urn, s.school_name, s.due_by,
                n.first_delivered_at, n.acknowledged_at, n.acknowledged_by,
                CASE WHEN s.status = 'no-school' THEN 'no-school' WHEN n.acknowledged_at IS NOT NULL THEN 'acknowledged'
                     WHEN n.first_delivered_at IS NOT NULL THEN 'delivered' ELSE 'sent' END AS status,
                (s.due_by < now() AND (n.acknowledged_at IS NULL OR n.acknowledged_at > s.due_by)) AS overdue
           FROM consolidation.school_notifications s
           LEFT JOIN LATERAL (
             WITH RECURSIVE chain AS (SELECT id, merged_into, 0 AS depth FROM consolidation.subjects WHERE id = s.subject_id
                                      UNION ALL SELECT x.id, x.merged_into, c.depth + 1 FROM consolidation.subjects x JOIN chain c ON x.id = c.merged_into WHERE c.depth < 50)
             SELECT id AS current_id FROM chain WHERE merged_into IS NULL LIMIT 1) cur ON true
           LEFT JOIN LATERAL (
             SELECT h.first_delivered_at, h.acknowledged_at, h.acknowledged_by FROM hub.notifications h
              WHERE h.school_notification_id = s.id ORDER BY h.acknowledged_at NULLS LAST, h.first_delivered_at NULLS LAST LIMIT 1) n ON true
          WHERE ($1::date IS NULL OR (s.due_by AT TIME ZONE $4)::date >= $1::date)
            AND ($2::date IS NULL OR (s.due_by AT TIME ZONE $4)::date <= $2::date)) t
        WHERE ($3::text IS NULL OR t.status = $3)
        ORDER BY t.due_by DESC, t.incident_ref, t.id
        LIMIT $5`,
      [q.from ?? null, q.to ?? null, q.status ?? null, DEFAULT_SCHOOL_TIME_ZONE, q.limit],
    );
    const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
    return rows.map((r) => ({
      id: r.id,
      incidentRef: r.incident_ref,
      childSubjectId: r.child_subject_id,
      school: r.school_urn ? { urn: r.school_urn, name: r.school_name } : null,
      dueBy: iso(r.due_by)!,
      status: r.status,
      overdue: r.overdue,
      deliveredAt: iso(r.first_delivered_at),
      acknowledgedAt: iso(r.acknowledged_at),
      acknowledgedBy: r.acknowledged_by ? { sub: r.acknowledged_by.sub, name: r.acknowledged_by.name } : null,
    }));
  }
}
