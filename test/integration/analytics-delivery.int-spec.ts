import express from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { DataSource } from 'typeorm';
import { FeedItem, verifyWebhook } from '../../libs/analytics/src';
import { openServiceDatabase } from '../../libs/persistence/src';
import { streamFeed } from '../../apps/hub-api/src/analytics/feed-stream';
import { WebhookDelivery } from '../../apps/hub-api/src/analytics/webhook-delivery';
import { HUB_MIGRATIONS } from '../../apps/hub-api/src/hub-api.bootstrap';
import { freePort } from '../support/fixtures';
import { createTestDatabase } from '../support/postgres';
import { waitFor } from '../support/services';

/**
 * Delivery of analysts' feeds (issue 7) on PostgreSQL: signed webhook batches in order with
 * backoff and retry of the same batch, and the server-sent event stream from a last id.
 */
describe('analytics feed delivery on PostgreSQL', () => {
  const SECRET = 'whsec_integration';
  // Small delays so retries and timeouts happen within a test; read when each WebhookDelivery is built.
  const ENV = { WEBHOOK_BATCH: '3', WEBHOOK_BACKOFF_BASE_MS: '200', WEBHOOK_BACKOFF_MAX_MS: '5000', WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_POLL_MS: '20', SSE_POLL_MS: '30' };
  const savedEnv: Record<string, string | undefined> = {};
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  /** The test receiver: records every request; answers each path from its plan in turn, then 200. */
  type Answer = number | 'hang' | 'slow';
  const hits: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const plans = new Map<string, Answer[]>();
  let receiver: Server;
  let receiverBase: string;

  let sse: Server;
  let sseBase: string;
  /** streamFeed calls still running on the SSE server */
  const streams = new Set<Promise<void>>();

  beforeAll(async () => {
    for (const [k, v] of Object.entries(ENV)) [savedEnv[k], process.env[k]] = [process.env[k], v];
    db = await createTestDatabase();
    ds = await openServiceDatabase({ schema: 'hub', entities: [], migrations: HUB_MIGRATIONS }, db.url);

    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        hits.push({ path: req.url!, headers: req.headers, body });
        const answer = plans.get(req.url!)?.shift() ?? 200;
        if (answer === 'hang') return; // never answers: the hub's timeout must end it
        if (answer === 'slow') return void setTimeout(() => res.writeHead(200).end(), 100);
        res.writeHead(answer).end(answer >= 300 ? 'stack trace with secrets' : 'ok');
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    receiverBase = `http://127.0.0.1:${port}`;

    const app = express();
    app.get('/feed/:id', (req, res) => {
      const run = streamFeed(ds, req.params.id, req.header('last-event-id'), req, res);
      streams.add(run);
      void run.finally(() => streams.delete(run));
    });
    const ssePort = await freePort();
    sse = await new Promise<Server>((r) => {
      const s = app.listen(ssePort, '127.0.0.1', () => r(s));
    });
    sseBase = `http://127.0.0.1:${ssePort}`;
  });

  afterAll(async () => {
    for (const server of [receiver, sse]) {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    }
    await Promise.all(streams);
    await ds?.destroy();
    await db?.drop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  beforeEach(async () => {
    await ds.query(`TRUNCATE hub.analytics_subscriptions CASCADE`);
    hits.length = 0;
    plans.clear();
  });

  async function subscribe(delivery: 'webhook' | 'sse' | 'kafka', opts: { path?: string; status?: string } = {}): Promise<string> {
    const url = delivery === 'webhook' ? `${receiverBase}${opts.path ?? '/hook'}` : null;
    const [row] = await ds.query(
      `INSERT INTO hub.analytics_subscriptions (name, owner, owner_sub, purpose, event_types, area, period, delivery, webhook_url, webhook_secret, pseudonym_key, status, cursor_tx, cursor_seq)
       VALUES ('test feed', '{"agency":"hbc"}', 'analyst-1', 'analytics.community-safety', ARRAY['uk.shp.police.da-incident.v1'], 'ward', 'month', $1, $2, $3, $4, $5, '0'::xid8, 0)
       RETURNING id`,
      [delivery, url, url ? SECRET : null, 'ab'.repeat(32), opts.status ?? 'active'],
    );
    return row.id;
  }

  /** Feed items as the pump stores them: `id` empty, the record's id as event_id. */
  async function addItems(subscription: string, n: number): Promise<{ seq: string; record: string }[]> {
    const added: { seq: string; record: string }[] = [];
    for (let i = 0; i < n; i++) {
      const record = randomUUID();
      const item: FeedItem = { id: '', record, subscription, eventType: 'uk.shp.police.da-incident.v1', agency: 'police', kind: 'da-incident', category: null, period: '2026-03', area: { ward: 'Victoria' }, fields: { i }, people: [] };
      const [row] = await ds.query(`INSERT INTO hub.analytics_feed_items (subscription_id, event_id, item) VALUES ($1, $2, $3) RETURNING seq`, [subscription, record, JSON.stringify(item)]);
      added.push({ seq: row.seq, record });
    }
    return added;
  }

  const state = async (id: string) =>
    (await ds.query(`SELECT delivered_seq, attempts, next_attempt_at, last_error FROM hub.analytics_subscriptions WHERE id = $1`, [id]))[0] as { delivered_seq: string; attempts: number; next_attempt_at: Date | null; last_error: string | null };
  const received = (path: string) => hits.filter((h) => h.path === path).map((h) => ({ ...h, json: JSON.parse(h.body) as { subscription: string; items: FeedItem[] } }));

  describe('webhooks', () => {
    it('posts the items in seq order in signed batches and advances delivered_seq', async () => {
      const delivery = new WebhookDelivery(ds);
      const sub = await subscribe('webhook', { path: '/ordered' });
      const items = await addItems(sub, 7);

      expect(await delivery.deliverDue()).toBe(1);
      expect((await state(sub)).delivered_seq).toBe(items[2].seq);
      expect(await delivery.deliverDue()).toBe(1);
      expect(await delivery.deliverDue()).toBe(1);
      expect(await delivery.deliverDue()).toBe(0); // all delivered

      const posts = received('/ordered');
      expect(posts.map((p) => p.json.items.length)).toEqual([3, 3, 1]);
      // every item once, in order, its id its seq
      expect(posts.flatMap((p) => p.json.items.map((i) => i.record))).toEqual(items.map((i) => i.record));
      expect(posts.flatMap((p) => p.json.items.map((i) => i.id))).toEqual(items.map((i) => i.seq));
      for (const p of posts) {
        const seqs = p.json.items.map((i) => i.id);
        expect(p.json.subscription).toBe(sub);
        expect(p.headers['content-type']).toBe('application/json');
        expect(p.headers['x-hub-subscription']).toBe(sub);
        expect(p.headers['x-hub-delivery']).toBe(`${sub}:${seqs[0]}-${seqs[seqs.length - 1]}`);
        const ts = Number(p.headers['x-hub-timestamp']);
        const signature = String(p.headers['x-hub-signature-256']);
        expect(verifyWebhook(SECRET, ts, p.body, signature)).toBe(true);
        expect(verifyWebhook('whsec_other', ts, p.body, signature)).toBe(false);
      }
      expect(await state(sub)).toEqual({ delivered_seq: items[6].seq, attempts: 0, next_attempt_at: null, last_error: null });
    });

    it('backs off after failures, retries the same batch, then succeeds: nothing lost or duplicated', async () => {
      const delivery = new WebhookDelivery(ds);
      const sub = await subscribe('webhook', { path: '/flaky' });
      plans.set('/flaky', [500, 500]);
      const items = await addItems(sub, 4); // a full first batch of 3, then one more

      const t0 = new Date();
      expect(await delivery.deliverDue(t0)).toBe(1);
      let s = await state(sub);
      expect(s).toMatchObject({ delivered_seq: '0', attempts: 1, last_error: 'HTTP 500' }); // the status, never the body
      const firstDelay = s.next_attempt_at!.getTime() - t0.getTime();
      expect(firstDelay).toBeGreaterThanOrEqual(160); // 200 ms base, jitter [0.8, 1.2)
      expect(firstDelay).toBeLessThan(240);

      // not yet due: nothing is posted
      expect(await delivery.deliverDue(new Date(s.next_attempt_at!.getTime() - 1))).toBe(0);
      expect(received('/flaky')).toHaveLength(1);

      await addItems(sub, 1); // arrives during the backoff: the full batch stays the same
      const t1 = s.next_attempt_at!;
      expect(await delivery.deliverDue(t1)).toBe(1);
      s = await state(sub);
      expect(s).toMatchObject({ delivered_seq: '0', attempts: 2, last_error: 'HTTP 500' });
      const secondDelay = s.next_attempt_at!.getTime() - t1.getTime();
      expect(secondDelay).toBeGreaterThanOrEqual(320); // doubled
      expect(secondDelay).toBeLessThan(480);

      expect(await delivery.deliverDue(s.next_attempt_at!)).toBe(1);
      expect(await state(sub)).toEqual({ delivered_seq: items[2].seq, attempts: 0, next_attempt_at: null, last_error: null });
      expect(await delivery.deliverDue(s.next_attempt_at!)).toBe(1); // the rest
      expect(await delivery.deliverDue(s.next_attempt_at!)).toBe(0);

      const posts = received('/flaky');
      expect(posts.map((p) => p.headers['x-hub-delivery'])).toEqual([
        ...Array(3).fill(`${sub}:${items[0].seq}-${items[2].seq}`),
        expect.stringMatching(new RegExp(`^${sub}:${items[3].seq}-\\d+$`)),
      ]);
      // the receiver, deduplicating by record, has every item exactly once and in order
      const records = [...new Set(posts.flatMap((p) => p.json.items.map((i) => i.record)))];
      expect(records).toHaveLength(5);
      expect(records.slice(0, 4)).toEqual(items.map((i) => i.record));
    });

    it('counts a receiver that does not answer in time, or cannot be reached, as a failure', async () => {
      const delivery = new WebhookDelivery(ds);
      const hung = await subscribe('webhook', { path: '/hung' });
      plans.set('/hung', ['hang']);
      await addItems(hung, 2);
      const closedPort = await freePort();
      const [refused] = await ds.query(
        `INSERT INTO hub.analytics_subscriptions (name, owner, owner_sub, purpose, event_types, area, period, delivery, webhook_url, webhook_secret, pseudonym_key, cursor_tx, cursor_seq)
         VALUES ('down', '{}', 'analyst-1', 'p', ARRAY['x'], 'ward', 'month', 'webhook', $1, $2, $3, '0'::xid8, 0) RETURNING id`,
        [`http://127.0.0.1:${closedPort}/hook?token=abc`, SECRET, 'cd'.repeat(32)],
      );
      await addItems(refused.id, 1);

      expect(await delivery.deliverDue()).toBe(2);
      expect(received('/hung')).toHaveLength(1);
      expect(await state(hung)).toMatchObject({ delivered_seq: '0', attempts: 1, last_error: 'timeout after 300 ms' });
      const down = await state(refused.id);
      expect(down).toMatchObject({ delivered_seq: '0', attempts: 1 });
      expect(down.last_error).toMatch(/ECONNREFUSED/);
      expect(down.last_error).not.toContain('token=abc');
    });

    it('delivers nothing to cancelled or paused subscriptions, nor to sse or kafka ones', async () => {
      const delivery = new WebhookDelivery(ds);
      for (const sub of [await subscribe('webhook', { path: '/cancelled', status: 'cancelled' }), await subscribe('webhook', { path: '/paused', status: 'paused' }), await subscribe('sse'), await subscribe('kafka')]) {
        await addItems(sub, 2);
      }
      await subscribe('webhook', { path: '/empty' }); // active but nothing to send

      expect(await delivery.deliverDue()).toBe(0);
      expect(hits).toHaveLength(0);
    });

    it('lets only one instance deliver a subscription at a time', async () => {
      const [a, b] = [new WebhookDelivery(ds), new WebhookDelivery(ds)];
      const sub = await subscribe('webhook', { path: '/shared' });
      plans.set('/shared', ['slow']);
      await addItems(sub, 3);

      const attempted = await Promise.all([a.deliverDue(), b.deliverDue()]);
      expect(attempted[0] + attempted[1]).toBe(1);
      expect(received('/shared')).toHaveLength(1);
    });

    it('runs from bootstrap until shutdown, and not at all when switched off', async () => {
      const delivery = new WebhookDelivery(ds);
      const sub = await subscribe('webhook', { path: '/loop' });
      const [first] = await addItems(sub, 1);
      delivery.onApplicationBootstrap();
      await waitFor('the loop to deliver', async () => (await state(sub)).delivered_seq === first.seq, 10_000);
      await delivery.onApplicationShutdown();

      process.env.ANALYTICS_WEBHOOKS = 'off';
      try {
        const off = new WebhookDelivery(ds);
        off.onApplicationBootstrap();
        await addItems(sub, 1);
        await new Promise((r) => setTimeout(r, 300)); // many poll intervals
        expect(received('/loop')).toHaveLength(1);
        await off.stop();
      } finally {
        delete process.env.ANALYTICS_WEBHOOKS;
      }
    });
  });

  describe('server-sent events', () => {
    interface SseEvent {
      id?: string;
      event?: string;
      data?: string;
      retry?: string;
      comment?: string;
    }

    /** Connects and reads the stream in the background into `events`. */
    async function connect(subscription: string, lastEventId?: string) {
      const abort = new AbortController();
      const res = await fetch(`${sseBase}/feed/${subscription}`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal: abort.signal });
      const events: SseEvent[] = [];
      let ended = false;
      const reading = (async () => {
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const event: SseEvent = {};
              for (const line of buffer.slice(0, end).split('\n')) {
                if (line.startsWith(':')) event.comment = line.slice(1).trim();
                else event[line.slice(0, line.indexOf(':')) as 'id' | 'event' | 'data' | 'retry'] = line.slice(line.indexOf(':') + 1).trim();
              }
              events.push(event);
              buffer = buffer.slice(end + 2);
            }
          }
        } catch {
          /* aborted by the test */
        }
        ended = true;
      })();
      const items = () => events.filter((e) => e.event === 'feed-item');
      return {
        res,
        events,
        items,
        ended: () => ended,
        waitForItems: (n: number) => waitFor(`${n} feed items`, async () => items().length >= n, 10_000),
        close: async () => {
          abort.abort();
          await reading;
        },
      };
    }

    it('streams the backlog with ids, then new items live, and stops when the client goes', async () => {
      const sub = await subscribe('sse');
      const items = await addItems(sub, 3);
      const stream = await connect(sub);
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.res.headers.get('cache-control')).toBe('no-store');
      expect(stream.res.headers.get('x-accel-buffering')).toBe('no');

      await stream.waitForItems(3);
      expect(stream.events[0]).toEqual({ retry: '3000' });
      const [late] = await addItems(sub, 1);
      await stream.waitForItems(4);
      const all = [...items, late];
      expect(stream.items().map((e) => e.id)).toEqual(all.map((i) => i.seq));
      const data = stream.items().map((e) => JSON.parse(e.data!) as FeedItem);
      expect(data.map((d) => d.id)).toEqual(all.map((i) => i.seq));
      expect(data.map((d) => d.record)).toEqual(all.map((i) => i.record));

      expect(streams.size).toBe(1);
      await stream.close();
      // the server's loop ends (its timer cleared) once the client has gone
      await waitFor('the stream to stop on the server', async () => streams.size === 0, 10_000);
    });

    it('resumes after Last-Event-ID, and from the start when the id is not a number', async () => {
      const sub = await subscribe('sse');
      const items = await addItems(sub, 4);

      const resumed = await connect(sub, items[1].seq);
      await resumed.waitForItems(2);
      await resumed.close();
      expect(resumed.items().map((e) => e.id)).toEqual([items[2].seq, items[3].seq]);

      const fresh = await connect(sub, 'not-a-number');
      await fresh.waitForItems(4);
      await fresh.close();
      expect(fresh.items().map((e) => e.id)).toEqual(items.map((i) => i.seq));
    });

    it('ends the stream with a cancelled event when the subscription is cancelled', async () => {
      const sub = await subscribe('sse');
      await addItems(sub, 1);
      const stream = await connect(sub);
      await stream.waitForItems(1);

      await ds.query(`UPDATE hub.analytics_subscriptions SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [sub]);
      await waitFor('the stream to end', async () => stream.ended(), 10_000);
      expect(stream.events[stream.events.length - 1]).toEqual({ event: 'cancelled', data: '{}' });
      await waitFor('the stream to stop on the server', async () => streams.size === 0, 10_000);
      await stream.close();
    });
  });
});
