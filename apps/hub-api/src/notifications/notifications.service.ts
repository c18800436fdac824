import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { schoolNotificationId } from '../../../../libs/contracts/src';
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

/**
 * Operation Encompass: a child's school notification goes to that school's safeguarding
 * lead (the team claim is the school's URN), under the school-notification purpose.
 */
export const ENCOMPASS_KIND = 'encompass';
export const ENCOMPASS_ROUTE = { purpose: 'safeguarding.school-notification', role: 'school-safeguarding-lead' } as const;

export interface Acknowledgement {
  at: string;
  by: { sub: string; name: string };
}

/**
 * Who a notification is for, as delivery and acknowledgement both match it: one of the
 * reader's roles, the purpose they state, and their team or agency where a team is named.
 * Parameters: $1 roles, $2 purpose, $3 team and agency.
 */
const FOR_READER = `n.recipient_role = ANY($1::text[]) AND n.purpose = $2 AND (n.recipient_team IS NULL OR n.recipient_team = ANY($3::text[]))`;
const readerParams = (reader: HubUser, purpose: string) => [reader.roles, purpose, [reader.team, reader.agency].filter(Boolean)];

const acknowledgementOf = (at: string | Date | null, by: { sub: string; name: string } | null): Acknowledgement | null =>
  at && by ? { at: new Date(at).toISOString(), by: { sub: by.sub, name: by.name } } : null;

/**
 * An Encompass notification is about one child: the incident goes to the school with
 * `childrenPresent` narrowed to that child (found by the notification's id, which is made
 * from the incident event and the child) before the agreement cuts it, so a school never
 * learns of a sibling at another school. No child found (erased since): nothing goes.
 */
function onlyTheChild(r: { event_id: string; agency: string; record: Record<string, unknown> }, schoolNotification: string | null): Record<string, unknown> | undefined {
  if (!schoolNotification || !Array.isArray(r.record.childrenPresent)) return undefined;
  const mine = (r.record.childrenPresent as unknown[]).filter(
    (c) => typeof c === 'object' && c !== null && typeof (c as { personRef?: unknown }).personRef === 'string'
      && schoolNotificationId(r.event_id, r.agency, (c as { personRef: string }).personRef) === schoolNotification,
  );
  return mine.length ? { ...r.record, childrenPresent: mine } : undefined;
}

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
  /** for an Encompass notification: the start of the next school day after the incident */
  dueBy?: string;
  /** who of the recipients acknowledged it, and when (null: not yet) */
  acknowledgement: Acknowledgement | null;
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

  /**
   * Turns the Encompass notifications consolidation raised (those with a school) into a
   * notification for that school's safeguarding lead, once each, in one statement like the
   * work items: this runs before each delivery. The notification names the incident event
   * and, by `school_notification_id`, the one child it is about.
   */
  async fromSchoolNotifications(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO hub.notifications (id, kind, recipient_role, recipient_team, purpose, subject_id, event_ids, school_notification_id)
       SELECT gen_random_uuid(), $1, $2, s.school_urn, $3, s.subject_id, ARRAY[s.incident_event_id], s.id
         FROM consolidation.school_notifications s
        WHERE s.status = 'raised' AND NOT EXISTS (SELECT 1 FROM hub.notifications n WHERE n.school_notification_id = s.id)
       ON CONFLICT DO NOTHING`,
      [ENCOMPASS_KIND, ENCOMPASS_ROUTE.role, ENCOMPASS_ROUTE.purpose],
    );
  }

  async deliver(reader: HubUser, purpose: string, limit = 200): Promise<{ notifications: DeliveredNotification[]; releases: { subjectId: string | null; release: Release }[] }> {
    await this.fromWorkItems();
    await this.fromSchoolNotifications();
    await this.actions.notifyOverdue();
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT n.id, n.kind, n.purpose, n.subject_id, n.created_at, n.event_ids, w.status AS work_item_status, n.action_id,
              n.school_notification_id, s.due_by, n.acknowledged_at, n.acknowledged_by
         FROM hub.notifications n
         LEFT JOIN consolidation.work_items w ON w.id = n.work_item_id
         LEFT JOIN consolidation.school_notifications s ON s.id = n.school_notification_id
        WHERE ${FOR_READER}
        ORDER BY n.created_at DESC LIMIT $4`,
      [...readerParams(reader, purpose), limit],
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
        // an Encompass notification shows the school its own child only (never the whole incident)
        const data = n.kind === ENCOMPASS_KIND ? onlyTheChild(r, n.school_notification_id) : r.record;
        if (!data) {
          withheld++;
          continue;
        }
        const cut = release.of(r.event_type, data);
        if (cut.tier === 'deny') withheld++;
        else out.push({ agency: r.agency, kind: r.kind, clause: cut.clause, tier: cut.tier, ...(cut.tier === 'fields' ? { record: cut.data } : {}) });
      }
      return {
        id: n.id, kind: n.kind, purpose: n.purpose, subjectId: n.subject_id, createdAt: new Date(n.created_at).toISOString(),
        ...(n.work_item_status ? { workItemStatus: n.work_item_status } : {}),
        ...(n.action_id && actions.get(n.action_id) ? { action: actions.get(n.action_id) } : {}),
        ...(n.due_by ? { dueBy: new Date(n.due_by).toISOString() } : {}),
        acknowledgement: acknowledgementOf(n.acknowledged_at, n.acknowledged_by),
        records: out, withheld,
      };
    });
    if (rows.length) await this.dataSource.query(`UPDATE hub.notifications SET first_delivered_at = now() WHERE id = ANY($1::uuid[]) AND first_delivered_at IS NULL`, [rows.map((r) => r.id)]);
    return { notifications, releases };
  }

  /**
   * A recipient acknowledges a notification (any kind): the first acknowledgement is kept
   * (who, when), a later one changes nothing and is told what was recorded. A notification
   * not addressed to this reader (by role, stated purpose, team or agency, as delivery
   * matches) is not found: undefined, with nothing said of whose it is. Acknowledging
   * counts as delivery where it had not been delivered yet.
   */
  async acknowledge(
    manager: Pick<EntityManager, 'query'>,
    reader: HubUser,
    purpose: string,
    id: string,
  ): Promise<{ id: string; kind: string; subjectId: string | null; acknowledgement: Acknowledgement; changed: boolean } | undefined> {
    const [updated]: [Record<string, any>[], number] = await manager.query(
      `UPDATE hub.notifications n
          SET acknowledged_at = clock_timestamp(), acknowledged_by = $5::jsonb, first_delivered_at = coalesce(n.first_delivered_at, clock_timestamp())
        WHERE n.id = $4 AND ${FOR_READER} AND n.acknowledged_at IS NULL
        RETURNING n.id, n.kind, n.subject_id, n.acknowledged_at, n.acknowledged_by`,
      [...readerParams(reader, purpose), id, JSON.stringify({ sub: reader.sub, name: reader.name })],
    );
    const changed = updated.length > 0;
    const [row]: Record<string, any>[] = changed
      ? updated
      : await manager.query(`SELECT n.id, n.kind, n.subject_id, n.acknowledged_at, n.acknowledged_by FROM hub.notifications n WHERE n.id = $4 AND ${FOR_READER}`, [...readerParams(reader, purpose), id]);
    if (!row) return undefined;
    return { id: row.id, kind: row.kind, subjectId: row.subject_id, acknowledgement: acknowledgementOf(row.acknowledged_at, row.acknowledged_by)!, changed };
  }
}
