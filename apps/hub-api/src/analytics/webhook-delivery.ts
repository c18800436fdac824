import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import {
  signWebhook,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_SUBSCRIPTION_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookBackoffMs,
} from '../../../../libs/analytics/src';
import { HubLogger, registry } from '../../../../libs/platform/src';

export const webhookDeliveries = new Counter({
  name: 'hub_analytics_webhook_deliveries_total',
  help: 'Webhook batches posted to analysts’ subscriptions, by outcome (delivered, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const webhookItems = new Counter({
  name: 'hub_analytics_webhook_items_total',
  help: 'Feed items delivered to analysts’ webhooks (acknowledged with a 2xx)',
  registers: [registry],
});

export interface WebhookDeliveryOptions {
  pollMs: number;
  batch: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
}

export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookDeliveryOptions {
  return {
    pollMs: Number(env.WEBHOOK_POLL_MS ?? 500),
    batch: Number(env.WEBHOOK_BATCH ?? 100),
    backoffBaseMs: Number(env.WEBHOOK_BACKOFF_BASE_MS ?? 1000),
    backoffMaxMs: Number(env.WEBHOOK_BACKOFF_MAX_MS ?? 300_000),
    timeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? 10_000),
  };
}

interface LockedSubscription {
  id: string;
  webhook_url: string;
  webhook_secret: string;
  delivered_seq: string;
  attempts: number;
}

/**
 * Posts each webhook subscription's feed items (issue 7) in `seq` order, a batch at a time,
 * signed (`signWebhook`). The subscription row is locked `FOR UPDATE SKIP LOCKED` for the
 * whole delivery, so two hub-api instances never post the same subscription at once, and
 * `delivered_seq` moves only on a 2xx: delivery is at least once (the receiver dedupes by
 * `X-Hub-Delivery` or the items' `record`). Failures back off exponentially to the cap and
 * retry the same batch for ever; nothing is dropped.
 */
@Injectable()
export class WebhookDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new HubLogger('analytics-webhooks');
  /** read at construction: tests set the env first */
  readonly options = webhookOptionsFromEnv();
  private running = false;
  /** set by stop(): a pass under way finishes the delivery in hand and takes no more */
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    if (process.env.ANALYTICS_WEBHOOKS !== 'off') this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops the loop once the pass under way has finished (its deliveries are recorded). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** One pass over the subscriptions due now; returns how many it posted to. */
  async deliverDue(now = new Date()): Promise<number> {
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT s.id FROM hub.analytics_subscriptions s
        WHERE s.delivery = 'webhook' AND s.status = 'active' AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= $1)
          AND EXISTS (SELECT 1 FROM hub.analytics_feed_items i WHERE i.subscription_id = s.id AND i.seq > s.delivered_seq)
        ORDER BY s.next_attempt_at NULLS FIRST, s.id`,
      [now],
    );
    let attempted = 0;
    // One at a time: each delivery holds a pooled connection while it waits on the receiver.
    for (const { id } of due) {
      if (this.stopping) break; // the rest wait for the next pass, here or on another instance
      if (await this.dataSource.transaction((m) => this.deliverOne(m, id, now))) attempted++;
    }
    return attempted;
  }

  /** Posts one batch to one subscription; false if another instance holds it or it is no longer due. */
  private async deliverOne(m: EntityManager, id: string, now: Date): Promise<boolean> {
    // The conditions again: the row may have changed since the scan (another instance delivered).
    const [sub]: LockedSubscription[] = await m.query(
      `SELECT id, webhook_url, webhook_secret, delivered_seq, attempts FROM hub.analytics_subscriptions
        WHERE id = $1 AND delivery = 'webhook' AND status = 'active' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
        FOR UPDATE SKIP LOCKED`,
      [id, now],
    );
    if (!sub) return false;
    const rows: { seq: string; item: Record<string, unknown> }[] = await m.query(
      `SELECT seq, item FROM hub.analytics_feed_items WHERE subscription_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [id, sub.delivered_seq, this.options.batch],
    );
    if (rows.length === 0) return false;
    const first = rows[0].seq;
    const last = rows[rows.length - 1].seq;
    const body = JSON.stringify({ subscription: id, items: rows.map((r) => ({ ...r.item, id: String(r.seq) })) });

    const failure = await this.post(sub, body, `${id}:${first}-${last}`);
    if (failure === undefined) {
      await m.query(`UPDATE hub.analytics_subscriptions SET delivered_seq = $2, attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE id = $1`, [id, last]);
      webhookDeliveries.labels('delivered').inc();
      webhookItems.inc(rows.length);
      this.log.debug('webhook batch delivered', { subscription: id, items: rows.length });
    } else {
      const attempts = sub.attempts + 1;
      const next = new Date(now.getTime() + webhookBackoffMs(attempts, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs }));
      await m.query(`UPDATE hub.analytics_subscriptions SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`, [id, attempts, next, failure]);
      webhookDeliveries.labels('failed').inc();
      this.log.warn('webhook delivery failed; will retry', { subscription: id, status: failure, attempts });
    }
    return true;
  }

  /** undefined on a 2xx, else why not: the status or the error, never the response body or the URL. */
  private async post(sub: LockedSubscription, body: string, delivery: string): Promise<string | undefined> {
    // The signature's time is when it is sent (the receiver checks it against its clock).
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(sub.webhook_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_SUBSCRIPTION_HEADER]: sub.id,
          [WEBHOOK_DELIVERY_HEADER]: delivery,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(sub.webhook_secret, timestamp, body),
        },
        body,
        redirect: 'manual', // a redirect is not an acknowledgement, nor a reason to post elsewhere
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined); // free the connection; the body is not ours to read
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return describeFailure(error, this.options.timeoutMs);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if ((await this.deliverDue()) > 0) continue; // a backlog drains a batch per pass: go again at once
      } catch (error) {
        this.log.error('webhook pass failed; will retry', { error: String(error) });
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** A fetch error as a short reason: undici's messages can quote the URL, whose query may hold a token. */
function describeFailure(error: unknown, timeoutMs: number): string {
  // duck-typed, not `instanceof Error`: fetch's errors may come from another realm (jest's vm)
  const e = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (e.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  const message = typeof e.message === 'string' ? e.message.replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '<url>').slice(0, 200) : 'delivery failed';
  return typeof e.cause?.code === 'string' ? `${message}: ${e.cause.code}` : message;
}
