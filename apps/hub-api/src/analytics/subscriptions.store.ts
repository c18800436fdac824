import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { FeedArea, FeedDelivery, FeedPeriod, feedTopic, newPseudonymKey } from '../../../../libs/analytics/src';
import { Transport } from '../../../../libs/messaging/src';
import { HubUser } from '../../../../libs/platform/src';

/** The transport hub-api publishes on: feed topics are created on it at registration. */
export const HUB_TRANSPORT = 'HUB_TRANSPORT';

export interface NewSubscription {
  name: string;
  purpose: string;
  eventTypes: string[];
  area: FeedArea;
  period: FeedPeriod;
  delivery: FeedDelivery;
  webhookUrl?: string;
  backfillFrom?: Date;
}

/** A subscription as its owner sees it: never the pseudonym key, the webhook secret only once. */
export interface SubscriptionView {
  id: string;
  name: string;
  purpose: string;
  eventTypes: string[];
  area: FeedArea;
  period: FeedPeriod;
  delivery: FeedDelivery;
  kafkaTopic?: string;
  streamPath?: string;
  webhookUrl?: string;
  backfillFrom: string | null;
  status: 'active' | 'paused' | 'cancelled';
  statusReason: string | null;
  createdAt: string;
  items: number;
  lastItemId: string | null;
  webhook?: { deliveredUpTo: string; attempts: number; nextAttemptAt: string | null; lastError: string | null };
}

/** The row the feed pump works from. */
export interface SubscriptionRow {
  id: string;
  name: string;
  owner: HubUser;
  purpose: string;
  event_types: string[];
  area: FeedArea;
  period: FeedPeriod;
  delivery: FeedDelivery;
  webhook_url: string | null;
  pseudonym_key: string;
  backfill_from: Date | null;
  status: SubscriptionView['status'];
  status_reason: string | null;
  cursor_tx: string;
  cursor_seq: string;
  delivered_seq: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

/** Analysts' subscriptions: registration, their owner's view, cancellation. */
@Injectable()
export class SubscriptionsStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(HUB_TRANSPORT) private readonly transport: Transport,
  ) {}

  /**
   * Registers a subscription. With a backfill date it starts from the first fact and takes
   * every one that happened from that date, those held now and those still to come; without,
   * it takes every fact from now, whatever its date: its cursor is put at the oldest
   * transaction still running, so a fact being committed as it registers is not missed (a few
   * committed just before may come too). Returns the webhook secret, once.
   */
  async create(owner: HubUser, s: NewSubscription): Promise<{ view: SubscriptionView; webhookSecret?: string }> {
    const webhookSecret = s.delivery === 'webhook' ? randomBytes(32).toString('base64url') : undefined;
    const [row] = (await this.dataSource.query(
      `WITH head AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS tx)
       INSERT INTO hub.analytics_subscriptions (name, owner, owner_sub, purpose, event_types, area, period, delivery, webhook_url, webhook_secret, pseudonym_key, backfill_from, cursor_tx, cursor_seq)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
              CASE WHEN $12::timestamptz IS NULL THEN head.tx ELSE '0'::xid8 END,
              CASE WHEN $12::timestamptz IS NULL THEN -1 ELSE 0 END
         FROM head
       RETURNING *`,
      [s.name, JSON.stringify(owner), owner.sub, s.purpose, s.eventTypes, s.area, s.period, s.delivery, s.webhookUrl ?? null, webhookSecret ?? null, newPseudonymKey(), s.backfillFrom?.toISOString() ?? null],
    )) as SubscriptionRow[];
    // A partner's BI tool reads the feed from its own topic; the topic exists before the first item.
    if (s.delivery === 'kafka') await this.transport.ensureTopics([{ name: feedTopic(row.id), partitions: 1 }]);
    return { view: await this.view(row), webhookSecret };
  }

  async list(owner: HubUser): Promise<SubscriptionView[]> {
    const rows: SubscriptionRow[] = await this.dataSource.query(`SELECT * FROM hub.analytics_subscriptions WHERE owner_sub = $1 ORDER BY created_at`, [owner.sub]);
    return Promise.all(rows.map((r) => this.view(r)));
  }

  /** The owner's subscription, or undefined (another analyst's is not found, not forbidden: ids are not disclosed). */
  async owned(owner: HubUser, id: string): Promise<SubscriptionRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM hub.analytics_subscriptions WHERE id = $1 AND owner_sub = $2`, [id, owner.sub]);
    return row;
  }

  async cancel(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE hub.analytics_subscriptions SET status = 'cancelled', cancelled_at = clock_timestamp() WHERE id = $1 AND status <> 'cancelled'`, [id]);
  }

  /** Feed items after `after`, for a pull or a test. */
  async items(id: string, after: number, limit: number, manager: Pick<EntityManager, 'query'> = this.dataSource): Promise<Record<string, unknown>[]> {
    const rows: { seq: string; item: Record<string, unknown> }[] = await manager.query(
      `SELECT seq, item FROM hub.analytics_feed_items WHERE subscription_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [id, after, limit],
    );
    return rows.map((r) => ({ ...r.item, id: String(r.seq) }));
  }

  async view(r: SubscriptionRow): Promise<SubscriptionView> {
    const [count] = await this.dataSource.query(`SELECT count(*)::int AS n, max(seq)::text AS last FROM hub.analytics_feed_items WHERE subscription_id = $1`, [r.id]);
    return {
      id: r.id,
      name: r.name,
      purpose: r.purpose,
      eventTypes: r.event_types,
      area: r.area,
      period: r.period,
      delivery: r.delivery,
      ...(r.delivery === 'kafka' ? { kafkaTopic: feedTopic(r.id) } : {}),
      ...(r.delivery === 'sse' ? { streamPath: `/api/analytics/subscriptions/${r.id}/events` } : {}),
      ...(r.delivery === 'webhook'
        ? {
            webhookUrl: r.webhook_url!,
            webhook: { deliveredUpTo: String(r.delivered_seq), attempts: r.attempts, nextAttemptAt: r.next_attempt_at?.toISOString() ?? null, lastError: r.last_error },
          }
        : {}),
      backfillFrom: r.backfill_from?.toISOString() ?? null,
      status: r.status,
      statusReason: r.status_reason,
      createdAt: r.created_at.toISOString(),
      items: count.n,
      lastItemId: count.last,
    };
  }
}
