import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Webhook deliveries of an analyst's feed (issue 7) are signed so the receiver can tell
 * they came from the hub and were not replayed: HMAC-SHA-256 under the subscription's
 * secret over `<timestamp>.<body>`, the timestamp sent beside it.
 */

export const WEBHOOK_SIGNATURE_HEADER = 'X-Hub-Signature-256';
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Hub-Timestamp';
export const WEBHOOK_SUBSCRIPTION_HEADER = 'X-Hub-Subscription';
/** `<subscription>:<firstSeq>-<lastSeq>`: the same on every retry of a batch, for the receiver to dedupe by. */
export const WEBHOOK_DELIVERY_HEADER = 'X-Hub-Delivery';

/** `sha256=<hex>` of `${timestamp}.${body}` keyed with the secret; `timestamp` in unix seconds. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * What a receiver does: the signature matches (compared in constant time, so timing reveals
 * nothing of the expected value) and the timestamp is within `toleranceSeconds` of `now`
 * (ms), so a captured delivery cannot be replayed later.
 */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string, now = Date.now(), toleranceSeconds = 300): boolean {
  if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a hex digest is no secret
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Delay before retry after `attempt` failures (1-based): doubling from `baseMs`, capped at
 * `maxMs`, times a factor in [0.8, 1.2) so many subscribers failing together do not all
 * retry in the same instant.
 */
export function webhookBackoffMs(attempt: number, opts: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const exponential = Math.min(opts.maxMs, opts.baseMs * 2 ** (Math.max(1, attempt) - 1));
  return Math.floor(exponential * (0.8 + 0.4 * random()));
}
