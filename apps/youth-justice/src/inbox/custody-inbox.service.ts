import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  CloudEvent, CustodyNotificationRaisedData, CustodyNotificationStatusData, CustodyNotificationUpdatedData, INBOX_STATUS_EVENTS, InboxStatus, newEvent, Topics, YjsTeam,
} from '../../../../libs/contracts/src';
import { enqueueEvents, insertRecordWithEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { HubLogger, HubUser } from '../../../../libs/platform/src';

export const YJS_SCHEMA = 'youth_justice';
export const INBOX_SOURCE = '/safer-hub/youth-justice';
/** The inbox's clock: injectable so tests (and the escalation rule) can be driven in time. */
export const INBOX_CLOCK = Symbol('INBOX_CLOCK');
export type Clock = () => Date;

export const INBOX_FILTERS = ['all', 'unacknowledged', 'acknowledged', 'escalated'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

const FILTER_SQL: Record<InboxFilter, string> = {
  all: 'true',
  unacknowledged: 'acknowledged_at IS NULL',
  acknowledged: 'acknowledged_at IS NOT NULL',
  escalated: 'escalated_at IS NOT NULL',
};

/** One row of youth_justice.custody_inbox as PostgreSQL returns it. */
export interface InboxRow {
  notification_id: string;
  custody_ref: string;
  custody_event_id: string;
  subject_id: string;
  team: YjsTeam;
  arrived_at: Date;
  child_basis: string;
  age_at_arrival: number | null;
  appropriate_adult_required: boolean;
  raised_at: Date;
  raised_event_id: string;
  correlation_id: string;
  received_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: { sub: string; name: string } | null;
  escalated_at: Date | null;
  released_at: Date | null;
  outcome: string | null;
}

/** A notification as the team sees it: refs and facts of the custody episode, never the child's details. */
export interface InboxNotification {
  id: string;
  custodyRef: string;
  subjectId: string;
  team: YjsTeam;
  arrivedAt: string;
  childBasis: string;
  ageAtArrival: number | null;
  appropriateAdultRequired: boolean;
  receivedAt: string;
  acknowledged: { at: string; by: { sub: string; name: string } } | null;
  escalatedAt: string | null;
  released: { at: string; outcome: string } | null;
  details: string;
}

export type AcknowledgeOutcome =
  | { status: 'unknown' }
  | { status: 'other-team' }
  | { status: 'acknowledged' | 'already-acknowledged'; notification: InboxNotification };

/** A status event of the inbox, in the chain of the notification's raised event. */
export function inboxStatusEvent(
  row: Pick<InboxRow, 'notification_id' | 'custody_ref' | 'team' | 'raised_event_id' | 'correlation_id'>,
  status: InboxStatus,
  at: Date,
  by?: { sub: string; name: string },
): { topic: string; event: CloudEvent<CustodyNotificationStatusData> } {
  return {
    topic: Topics.CustodyInbox,
    event: newEvent<CustodyNotificationStatusData>({
      type: INBOX_STATUS_EVENTS[status],
      source: INBOX_SOURCE,
      subject: row.custody_ref,
      partitionKey: row.custody_ref,
      causedBy: { id: row.raised_event_id, correlationid: row.correlation_id },
      time: at,
      data: { notificationId: row.notification_id, custodyRef: row.custody_ref, team: row.team, status, at: at.toISOString(), ...(by ? { by } : {}) },
    }),
  };
}

/**
 * The custody inbox of the Cleveland YJS teams (issue 6): notifications from the bus, each
 * team's list, acknowledgements. Every status change and its event commit together (outbox).
 * The inbox keeps refs and hub ids only; the child's details are read from hub-api under
 * the agreement, audited there (`details` links to them).
 */
@Injectable()
export class CustodyInboxService {
  private readonly log = new HubLogger('custody-inbox');
  private readonly hubApi = (process.env.HUB_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(INBOX_CLOCK) readonly now: Clock,
  ) {}

  /** Raised notifications, in the consumer's transaction: each one lands once, and says so (delivered). */
  async receive(events: CloudEvent<CustodyNotificationRaisedData>[], manager: EntityManager): Promise<void> {
    let delivered = 0;
    let notOurs = 0;
    for (const event of events) {
      const d = event.data;
      // Out of area and needs-placement are the custody navigators' queue in hub-api, not a Cleveland YJS's.
      if (d.route !== 'yjs') {
        notOurs++;
        continue;
      }
      // A contract fault, not a routing choice: fail it so the consumer dead-letters it where it can be seen.
      if (!d.team) throw new Error(`custody notification ${d.notificationId} is routed to a YJS but names no team`);
      const receivedAt = this.now();
      const row = { notification_id: d.notificationId, custody_ref: d.custodyRef, team: d.team, raised_event_id: event.id, correlation_id: event.correlationid };
      const inserted = await insertRecordWithEvents(
        manager,
        YJS_SCHEMA,
        {
          sql: `INSERT INTO ${YJS_SCHEMA}.custody_inbox (notification_id, custody_ref, custody_event_id, subject_id, team, arrived_at, child_basis, age_at_arrival,
                  appropriate_adult_required, raised_at, raised_event_id, correlation_id, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (notification_id) DO NOTHING`,
          params: [d.notificationId, d.custodyRef, d.custodyEventId, d.subjectId, d.team, d.arrivedAt, d.childBasis, d.ageAtArrival ?? null, d.appropriateAdultRequired, d.raisedAt, event.id, event.correlationid, receivedAt],
        },
        [inboxStatusEvent(row, 'delivered', receivedAt)],
      );
      if (inserted) delivered++;
    }
    this.log.log('custody notifications received', { events: events.length, delivered, notForAClevelandYjs: notOurs });
  }

  /** Release, charge or transfer: the notification shows how the child left custody. */
  async update(events: CloudEvent<CustodyNotificationUpdatedData>[], manager: EntityManager): Promise<void> {
    for (const { data: d } of events) {
      const [, changed] = (await manager.query(
        `UPDATE ${YJS_SCHEMA}.custody_inbox SET released_at = $2, outcome = $3, release_event_id = $4 WHERE notification_id = $1`,
        [d.notificationId, d.releasedAt, d.outcome, d.releaseEventId],
      )) as [unknown[], number];
      if (changed > 0) continue;
      // Only a notification meant for a YJS team should be here; others (out of area) never were.
      if (d.team) this.log.warn('custody notification update for a notification not in the inbox: ignored', { notificationId: d.notificationId });
      else this.log.debug('custody notification update not for a Cleveland YJS: ignored', { notificationId: d.notificationId });
    }
  }

  /** A team's notifications, newest arrival in custody first. */
  async list(team: YjsTeam, filter: InboxFilter, limit: number): Promise<InboxNotification[]> {
    const rows: InboxRow[] = await this.dataSource.query(
      `SELECT * FROM ${YJS_SCHEMA}.custody_inbox WHERE team = $1 AND ${FILTER_SQL[filter]} ORDER BY arrived_at DESC, notification_id LIMIT $2`,
      [team, limit],
    );
    return rows.map((r) => this.toNotification(r));
  }

  /**
   * The first acknowledgement of the team's notification records who and when, with its
   * event, in one transaction; later ones change nothing and get the first back.
   */
  async acknowledge(id: string, user: HubUser): Promise<AcknowledgeOutcome> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<AcknowledgeOutcome> => {
      // The row lock orders concurrent acknowledgements: the second sees the first's.
      const [row]: InboxRow[] = await manager.query(`SELECT * FROM ${YJS_SCHEMA}.custody_inbox WHERE notification_id = $1 FOR UPDATE`, [id]);
      if (!row) return { status: 'unknown' };
      if (row.team !== user.team) return { status: 'other-team' };
      if (row.acknowledged_at) return { status: 'already-acknowledged', notification: this.toNotification(row) };
      const at = this.now();
      const by = { sub: user.sub, name: user.name };
      const [[updated]] = (await manager.query(
        `UPDATE ${YJS_SCHEMA}.custody_inbox SET acknowledged_at = $2, acknowledged_by = $3 WHERE notification_id = $1 RETURNING *`,
        [id, at, JSON.stringify(by)],
      )) as [InboxRow[], number];
      await enqueueEvents(manager, YJS_SCHEMA, [inboxStatusEvent(updated, 'acknowledged', at, by)]);
      return { status: 'acknowledged', notification: this.toNotification(updated) };
    });
    if (outcome.status === 'acknowledged') {
      this.relay.nudge();
      this.log.log('custody notification acknowledged', { notificationId: id, team: user.team });
    }
    return outcome;
  }

  toNotification(r: InboxRow): InboxNotification {
    return {
      id: r.notification_id,
      custodyRef: r.custody_ref,
      subjectId: r.subject_id,
      team: r.team,
      arrivedAt: r.arrived_at.toISOString(),
      childBasis: r.child_basis,
      ageAtArrival: r.age_at_arrival,
      appropriateAdultRequired: r.appropriate_adult_required,
      receivedAt: r.received_at.toISOString(),
      acknowledged: r.acknowledged_at && r.acknowledged_by ? { at: r.acknowledged_at.toISOString(), by: { sub: r.acknowledged_by.sub, name: r.acknowledged_by.name } } : null,
      escalatedAt: r.escalated_at?.toISOString() ?? null,
      released: r.released_at && r.outcome ? { at: r.released_at.toISOString(), outcome: r.outcome } : null,
      // The inbox holds refs only: hub-api releases the child's details here, under the agreement, audited.
      details: `${this.hubApi}/api/custody/notifications/${r.notification_id}`,
    };
  }
}
