import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook, webhookBackoffMs } from './webhook-signature';

describe('signing webhook deliveries', () => {
  const secret = 'whsec_test';
  const body = '{"subscription":"s","items":[]}';
  const ts = 1_700_000_000;
  const at = ts * 1000; // the receiver's clock, ms

  it('signs `<timestamp>.<body>` with HMAC-SHA-256 under the secret', () => {
    // computed with `openssl dgst -sha256 -hmac whsec_test`
    expect(signWebhook(secret, ts, body)).toBe('sha256=b801517b72aa6d76811092a4e18c5b1a0f8a81fad32cea81e9d904832a969e7b');
    const other = 'sha256=' + createHmac('sha256', 'sécret').update(`${ts}.é`).digest('hex');
    expect(signWebhook('sécret', ts, 'é')).toBe(other);
  });

  it('verifies a genuine delivery and refuses a tampered body, the wrong secret or a bad signature', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhook(secret, ts, body, sig, at)).toBe(true);
    expect(verifyWebhook(secret, ts, body.replace('[]', '[1]'), sig, at)).toBe(false);
    expect(verifyWebhook('whsec_other', ts, body, sig, at)).toBe(false);
    expect(verifyWebhook(secret, ts + 1, body, sig, at)).toBe(false); // timestamp is signed too
    expect(verifyWebhook(secret, ts, body, sig.slice(0, -1), at)).toBe(false); // shorter: no throw
    expect(verifyWebhook(secret, ts, body, '', at)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance either way (replay, skewed clock)', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhook(secret, ts, body, sig, at + 300_000)).toBe(true);
    expect(verifyWebhook(secret, ts, body, sig, at + 301_000)).toBe(false);
    expect(verifyWebhook(secret, ts, body, sig, at - 301_000)).toBe(false);
    expect(verifyWebhook(secret, ts, body, sig, at + 60_000, 30)).toBe(false);
    expect(verifyWebhook(secret, NaN, body, sig, at)).toBe(false);
  });
});

describe('webhook retry backoff', () => {
  const opts = { baseMs: 1000, maxMs: 300_000 };
  const mid = () => 0.5; // factor 1.0

  it('doubles from the base with each failure', () => {
    expect([1, 2, 3, 4, 5].map((a) => webhookBackoffMs(a, opts, mid))).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it('stops growing at the cap, however many failures', () => {
    expect(webhookBackoffMs(9, opts, mid)).toBe(256_000);
    expect(webhookBackoffMs(10, opts, mid)).toBe(300_000);
    expect(webhookBackoffMs(5000, opts, mid)).toBe(300_000);
  });

  it('jitters by a factor in [0.8, 1.2)', () => {
    expect(webhookBackoffMs(2, opts, () => 0)).toBe(1600);
    expect(webhookBackoffMs(2, opts, () => 0.999999)).toBeLessThan(2400);
    expect(webhookBackoffMs(2, opts, () => 0.999999)).toBeGreaterThan(2390);
    for (let i = 0; i < 200; i++) {
      const d = webhookBackoffMs(3, opts);
      expect(d).toBeGreaterThanOrEqual(3200);
      expect(d).toBeLessThan(4800);
    }
  });
});
