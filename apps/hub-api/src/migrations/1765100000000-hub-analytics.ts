import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analysts' subscriptions (issue 7). A subscription follows consolidation's analytics facts
 * from its cursor (`cursor_tx`, `cursor_seq`: see that table's migration) and writes one
 * depersonalised feed item per fact it takes, once (`UNIQUE (subscription_id, event_id)`,
 * so a rebuild of the read model adds nothing twice). Deliveries read the items: the
 * server-sent event stream from the client's last id, the webhook from `delivered_seq`.
 * `pseudonym_key` and `webhook_secret` never leave the hub except the secret, once, to its
 * owner at registration.
 */
export class HubAnalytics1765100000000 implements MigrationInterface {
  name = 'HubAnalytics1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.analytics_subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      owner jsonb NOT NULL,
      owner_sub text NOT NULL,
      purpose text NOT NULL,
      event_types text[] NOT NULL,
      area text NOT NULL CHECK (area IN ('ward', 'outward-postcode')),
      period text NOT NULL CHECK (period IN ('month', 'week')),
      delivery text NOT NULL CHECK (delivery IN ('kafka', 'sse', 'webhook')),
      webhook_url text,
      webhook_secret text,
      pseudonym_key text NOT NULL,
      backfill_from timestamptz,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'cancelled')),
      status_reason text,
      cursor_tx xid8 NOT NULL,
      cursor_seq bigint NOT NULL,
      delivered_seq bigint NOT NULL DEFAULT 0,
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      cancelled_at timestamptz,
      CONSTRAINT analytics_subscriptions_webhook CHECK ((delivery = 'webhook') = (webhook_url IS NOT NULL AND webhook_secret IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX analytics_subscriptions_owner ON hub.analytics_subscriptions (owner_sub)`);
    await q.query(`CREATE TABLE hub.analytics_feed_items (
      seq bigserial PRIMARY KEY,
      subscription_id uuid NOT NULL REFERENCES hub.analytics_subscriptions (id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      item jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (subscription_id, event_id)
    )`);
    await q.query(`CREATE INDEX analytics_feed_items_delivery ON hub.analytics_feed_items (subscription_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.analytics_feed_items`);
    await q.query(`DROP TABLE hub.analytics_subscriptions`);
  }
}
