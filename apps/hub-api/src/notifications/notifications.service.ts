import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyDecisionPoint, Release } from '../../../../libs/isa/src';
import { HubUser } from '../auth/demo-users';
import { MaracAction, MaracActionsService } from '../marac/marac-actions';

/**
 * Who is told of each kind of work item the rules raise, and for which purpose: the owner
 * team's role. Consolidation names owner teams; this says which hub role in that team reads
 * them and under which purpose of the agreement.
 */
export const WORK_ITEM_ROUTES: Record<string, { purpose: string; role: string }> = {
  'community-trigger': { purpose: 'community-trigger.case-review', role: 'agency-officer' },
  'joint-visit': { purpose: 'marac.risk-management', role: 'marac-member' },
  'serial-perpetrator': { purpose: 'marac.risk-management', role: 'marac-member' },
  'fire-setter-yjs': { purpose: 'custody.yjs-notification', role: 'yjs-officer' },
};

export interface DeliveredNotification {
  id: string;
  kind: string;
  purpose: string;
  subjectId: string | null;
  createdAt: string;
  /** for a work item: whether it is still open (a link changed since can withdraw it) */
  workItemStatus?: string;
  /** for an overdue MARAC action: the action as it stands now */
  action?: MaracAction;
  /** the records it is about, each cut to what the agreement gives this reader now */
  records: { agency: string; kind: string; clause: string; tier: 'fields' | 'signpost'; record?: Record<string, unknown> }[];
  /** records of the notification this reader may not see at all */
  withheld: number;
}

/**
 * Delivers notifications to the person reading them: every record in one goes through the
 * policy decision point for that reader's roles and the notification's purpose at the
 * moment of delivery (never with the system's privileges), and each delivery is audited
 * by the caller with what was released.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
    private readonly actions: MaracActionsService,
  ) {}

  /** Turns work items consolidation raised into notifications for their owner teams, once each. */
  async fromWorkItems(): Promise<void> {
    const routes = Object.entries(WORK_ITEM_ROUTES);
    // one statement for every rule: this runs before each delivery
    await this.dataSource.query(
      `INSERT INTO hub.notifications (id, kind, recipient_role, recipient_team, purpose, subject_id, event_ids, work_item_id)
       SELECT gen_random_uuid(), 'work-item.' || w.rule, r.role, team, r.purpose, w.subject_id,
              COALESCE((SELECT array_agg(DISTINCT c.event_id) FROM consolidation.chronology c JOIN consolidation.persons p USING (agency, person_ref)
                         WHERE c.record_ref = ANY(w.refs) AND (p.subject_id = w.subject_id OR w.rule = 'community-trigger')), '{}'), w.id
         FROM consolidation.work_items w
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(rule, role, purpose) ON r.rule = w.rule
         CROSS JOIN unnest(w.owner_teams) AS team
        WHERE w.status <> 'withdrawn' AND NOT EXISTS (SELECT 1 FROM hub.notifications n WHERE n.work_item_id = w.id)
       ON CONFLICT DO NOTHING`,
      [routes.map(([rule]) => rule), routes.map(([, r]) => r.role), routes.map(([, r]) => r.purpose)],
    );
  }

  async deliver(reader: HubUser, purpose: string, limit = 200): Promise<{ notifications: DeliveredNotification[]; releases: { subjectId: string | null; release: Release }[] }> {
    await this.fromWorkItems();
    await this.actions.notifyOverdue();
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT n.id, n.kind, n.purpose, n.subject_id, n.created_at, n.event_ids, w.status AS work_item_status, n.action_id
         FROM hub.notifications n LEFT JOIN consolidation.work_items w ON w.id = n.work_item_id
        WHERE n.recipient_role = ANY($1::text[]) AND n.purpose = $2 AND (n.recipient_team IS NULL OR n.recipient_team = ANY($3::text[]))
        ORDER BY n.created_at DESC LIMIT $4`,
      [reader.roles, purpose, [reader.team, reader.agency].filter(Boolean), limit],
    );
    const ids = rows.flatMap((r) => r.event_ids as string[]);
    const records: { event_id: string; agency: string; kind: string; event_type: string; record: Record<string, unknown> }[] = ids.length
      ? await this.dataSource.query(
          `SELECT DISTINCT ON (event_id) event_id, agency, kind, event_type, record FROM consolidation.chronology WHERE event_id = ANY($1::uuid[])
           UNION ALL SELECT event_id, agency, kind, event_type, record FROM consolidation.impersonal_records WHERE event_id = ANY($1::uuid[])`,
          [ids],
        )
      : [];
    const byId = new Map(records.map((r) => [r.event_id, r]));
    const actionIds = rows.map((r) => r.action_id).filter(Boolean);
    const actions = new Map((actionIds.length ? await this.actions.list({ ids: actionIds }) : []).map((a) => [a.id, a]));
    const releases: { subjectId: string | null; release: Release }[] = [];
    const notifications = rows.map((n) => {
      const release = new Release(this.policy, { roles: reader.roles, purpose });
      releases.push({ subjectId: n.subject_id, release });
      let withheld = 0;
      const out: DeliveredNotification['records'] = [];
      for (const id of n.event_ids as string[]) {
        const r = byId.get(id);
        if (!r) continue; // erased or past retention since the notification was raised
        const cut = release.of(r.event_type, r.record);
        if (cut.tier === 'deny') withheld++;
        else out.push({ agency: r.agency, kind: r.kind, clause: cut.clause, tier: cut.tier, ...(cut.tier === 'fields' ? { record: cut.data } : {}) });
      }
      return {
        id: n.id, kind: n.kind, purpose: n.purpose, subjectId: n.subject_id, createdAt: new Date(n.created_at).toISOString(),
        ...(n.work_item_status ? { workItemStatus: n.work_item_status } : {}),
        ...(n.action_id && actions.get(n.action_id) ? { action: actions.get(n.action_id) } : {}),
        records: out, withheld,
      };
    });
    if (rows.length) await this.dataSource.query(`UPDATE hub.notifications SET first_delivered_at = now() WHERE id = ANY($1::uuid[]) AND first_delivered_at IS NULL`, [rows.map((r) => r.id)]);
    return { notifications, releases };
  }
}
