import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { FactPerson, FactRow, FEED_ITEM_EVENT_TYPE, feedItem, feedTopic } from '../../../../libs/analytics/src';
import { newEvent } from '../../../../libs/contracts/src';
import { filterFields, PolicyDecisionPoint } from '../../../../libs/isa/src';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { HubLogger, registry } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { SubscriptionRow } from './subscriptions.store';

const BATCH = 500;

const itemsWritten = new Counter({
  name: 'hub_analytics_feed_items_total',
  help: 'Depersonalised feed items written for analysts’ subscriptions, by delivery',
  labelNames: ['delivery'] as const,
  registers: [registry],
});

interface FactWithOrder extends FactRow {
  tx: string;
  seq: string;
}

/**
 * Follows consolidation's analytics facts for every active subscription and writes each
 * subscription's depersonalised feed items (libs/analytics `feedItem`): the fact cut again by
 * the agreement in force for the owner's roles and the subscription's purpose, times as the
 * month or week, place as ward or outward postcode, people as the subscription's pseudonyms
 * with age bands. A Kafka subscription's items go out on its own topic through the outbox,
 * in the same transaction. The stream and the webhook read the items.
 *
 * Facts are taken in commit order (see the analytics facts migration) and each item once, so
 * a restart or a rebuild of the read model adds nothing twice and loses nothing. One pump at
 * a time across hub-api instances (an advisory lock), so items are numbered in commit order
 * and a stream resuming from its last id misses none. If the agreement no longer gives the
 * analyst an event type, the subscription pauses (nothing is skipped) until it does again.
 */
@Injectable()
export class FeedPump implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new HubLogger('analytics-feed');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
    private readonly relay: OutboxRelay,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env.ANALYTICS_FEEDS !== 'off') this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(everyMs = Number(process.env.ANALYTICS_FEED_POLL_MS ?? 250)): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pumpOnce()
        .catch((error) => this.log.error('feed pump pass failed; retrying', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, everyMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every active or paused subscription; returns the items written. */
  async pumpOnce(now = new Date()): Promise<number> {
    let written = 0;
    let kafka = false;
    await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('hub.analytics-feed-pump')) AS locked`);
      if (!locked) return;
      const [{ horizon }] = await manager.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`);
      const subs: SubscriptionRow[] = await manager.query(`SELECT * FROM hub.analytics_subscriptions WHERE status IN ('active', 'paused') ORDER BY created_at`);
      if (subs.length === 0) return;
      const head = await this.lastBelow(horizon, manager);
      for (const sub of subs) {
        const n = await this.pumpSubscription(sub, horizon, head, manager, now);
        written += n;
        if (n > 0 && sub.delivery === 'kafka') kafka = true;
      }
    });
    if (kafka) this.relay.nudge();
    return written;
  }

  /** `head`: the last fact below the horizon, the same for every subscription of the pass. */
  private async pumpSubscription(sub: SubscriptionRow, horizon: string, head: { tx: string; seq: string } | undefined, manager: EntityManager, now: Date): Promise<number> {
    const decisions = sub.event_types.map((type) => ({ type, decision: this.policy.decide({ roles: sub.owner.roles, purpose: sub.purpose, source: type, at: now }) }));
    const refused = decisions.filter((d) => d.decision.effect !== 'fields');
    if (refused.length > 0) {
      const reason = refused.map((d) => (d.decision.effect === 'deny' ? d.decision.reason : `${d.type}: signpost only`)).join('; ');
      if (sub.status !== 'paused' || sub.status_reason !== reason) {
        await manager.query(`UPDATE hub.analytics_subscriptions SET status = 'paused', status_reason = $2 WHERE id = $1`, [sub.id, reason]);
        this.log.warn('analytics subscription paused: the agreement no longer gives these records', { subscription: sub.id, reason });
      }
      return 0;
    }
    if (sub.status === 'paused') await manager.query(`UPDATE hub.analytics_subscriptions SET status = 'active', status_reason = NULL WHERE id = $1`, [sub.id]);

    const facts: FactWithOrder[] = await manager.query(
      `SELECT tx::text, seq::text, event_id, event_type, agency, kind, occurred_at, ward, outward_postcode, category, fields
         FROM consolidation.analytics_facts
        WHERE (tx, seq) > ($1::xid8, $2::bigint) AND tx < $3::xid8
          AND event_type = ANY($4::text[])
          AND ($5::timestamptz IS NULL OR occurred_at >= $5)
        ORDER BY tx, seq LIMIT ${BATCH}`,
      [sub.cursor_tx, sub.cursor_seq, horizon, sub.event_types, sub.backfill_from],
    );
    // Nothing (more) of its types: move the cursor up to the horizon so the next pass starts there.
    const last = facts.length === BATCH ? facts[facts.length - 1] : head;
    if (last && facts.length === 0 && last.tx === sub.cursor_tx && last.seq === sub.cursor_seq) return 0;
    if (facts.length === 0) {
      if (last) await manager.query(`UPDATE hub.analytics_subscriptions SET cursor_tx = $2::xid8, cursor_seq = $3 WHERE id = $1 AND (cursor_tx, cursor_seq) < ($2::xid8, $3::bigint)`, [sub.id, last.tx, last.seq]);
      return 0;
    }

    const people = await this.peopleOf(facts.map((f) => f.event_id), manager);
    const fieldsOf = new Map(decisions.map((d) => [d.type, d.decision.effect === 'fields' ? d.decision.fields : []]));
    const key = { id: sub.id, key: sub.pseudonym_key, area: sub.area, period: sub.period };
    const items = facts.map((f) => feedItem(key, f, filterFields(f.fields, fieldsOf.get(f.event_type)!), people.get(f.event_id) ?? []));
    const inserted: { seq: string; event_id: string }[] = await manager.query(
      `INSERT INTO hub.analytics_feed_items (subscription_id, event_id, item)
       SELECT $1, * FROM unnest($2::uuid[], $3::jsonb[])
       ON CONFLICT (subscription_id, event_id) DO NOTHING
       RETURNING seq::text, event_id`,
      [sub.id, items.map((i) => i.record), items.map((i) => JSON.stringify(i))],
    );
    const byEvent = new Map(items.map((i) => [i.record, i]));
    if (sub.delivery === 'kafka' && inserted.length > 0) {
      await enqueueEvents(
        manager,
        'hub',
        inserted.map(({ seq, event_id }) => ({
          topic: feedTopic(sub.id),
          event: newEvent({ source: 'urn:shp:hub-api:analytics', type: FEED_ITEM_EVENT_TYPE, subject: sub.id, partitionKey: sub.id, data: { ...byEvent.get(event_id)!, id: seq } }),
        })),
      );
    }
    const cursor = last ?? facts[facts.length - 1];
    await manager.query(`UPDATE hub.analytics_subscriptions SET cursor_tx = $2::xid8, cursor_seq = $3 WHERE id = $1`, [sub.id, cursor.tx, cursor.seq]);

    // Each person whose pseudonym went out is one audit row: their disclosure history shows the feed.
    const subjects = [...new Set(inserted.flatMap(({ event_id }) => (people.get(event_id) ?? []).map((p) => p.subjectId)))];
    if (subjects.length > 0) {
      const decision = decisions[0].decision as { agreement: string; version: string };
      await this.audit.record(
        subjects.map((subjectId) => ({
          user: sub.owner,
          purpose: sub.purpose,
          action: 'analytics.feed',
          decision: 'allowed' as const,
          reason: `subscription ${sub.id}: depersonalised (pseudonym, age band)`,
          subjectIds: [subjectId],
          agreement: { id: decision.agreement, version: decision.version },
        })),
        manager,
      );
    }
    itemsWritten.labels(sub.delivery).inc(inserted.length);
    return inserted.length;
  }

  /** The last fact every running transaction is past: where a subscription with nothing to take may wait. */
  private async lastBelow(horizon: string, manager: EntityManager): Promise<{ tx: string; seq: string } | undefined> {
    const [row] = await manager.query(
      `SELECT tx::text, seq::text FROM consolidation.analytics_facts WHERE tx < $1::xid8 ORDER BY tx DESC, seq DESC LIMIT 1`,
      [horizon],
    );
    return row;
  }

  /** The people of each record as the hub has linked them now (merges applied), read here and never sent. */
  private async peopleOf(eventIds: string[], manager: EntityManager): Promise<Map<string, FactPerson[]>> {
    const rows: { event_id: string; subject_id: string; role: string; dob: string | null }[] = await manager.query(
      `SELECT DISTINCT c.event_id, p.subject_id, c.role, p.person->>'dateOfBirth' AS dob
         FROM consolidation.chronology c JOIN consolidation.persons p ON p.agency = c.agency AND p.person_ref = c.person_ref
        WHERE c.event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    const out = new Map<string, FactPerson[]>();
    for (const r of rows) {
      const list = out.get(r.event_id) ?? [];
      list.push({ subjectId: r.subject_id, role: r.role, dateOfBirth: r.dob ?? undefined });
      out.set(r.event_id, list);
    }
    return out;
  }
}
