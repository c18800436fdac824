import { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { HubLogger } from '../../../../libs/platform/src';

const log = new HubLogger('analytics-sse');
/** a comment this often keeps proxies and load balancers from closing an idle stream */
const KEEP_ALIVE_MS = 15_000;
const PAGE = 500;

/**
 * Streams a subscription's feed items as server-sent events (issue 7), from after `lastId`
 * (the `Last-Event-ID` the client sends on reconnecting, so it misses nothing), then live
 * as the items are written, until the client goes or the subscription is cancelled.
 * Items flow only while the subscription is active (paused: keep-alives only), as for webhooks.
 * The caller has checked the token, the ownership and written the audit entry.
 */
export async function streamFeed(dataSource: DataSource, subscriptionId: string, lastId: string | undefined, req: Request, res: Response): Promise<void> {
  const pollMs = Number(process.env.SSE_POLL_MS ?? 500);
  // seq is a bigint: kept as its decimal string (18 digits always fit)
  let last = lastId !== undefined && /^\d{1,18}$/.test(lastId.trim()) ? lastId.trim() : '0';

  let open = true;
  let wake: (() => void) | undefined;
  const close = () => {
    open = false;
    wake?.();
  };
  req.on('close', close);
  res.on('close', close);
  // Resolves after `ms`, or at once when the client goes; the timer never outlives the stream.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake?.(), ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  let lastWrite = Date.now();
  // Waits for the socket to drain when its buffer is full, so a slow client is not buffered in memory.
  const write = async (text: string) => {
    lastWrite = Date.now();
    if (res.write(text) || !open) return;
    await new Promise<void>((resolve) => {
      wake = () => {
        res.off('drain', wake!);
        wake = undefined;
        resolve();
      };
      res.once('drain', wake);
    });
  };

  try {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no'); // nginx: pass each event on at once
    res.flushHeaders();
    await write('retry: 3000\n\n');

    while (open) {
      const [sub]: { status: string }[] = await dataSource.query(`SELECT status FROM hub.analytics_subscriptions WHERE id = $1`, [subscriptionId]);
      if (!sub || sub.status === 'cancelled') {
        if (open) res.write('event: cancelled\ndata: {}\n\n');
        break;
      }
      const rows: { seq: string; item: Record<string, unknown> }[] =
        sub.status === 'active'
          ? await dataSource.query(`SELECT seq, item FROM hub.analytics_feed_items WHERE subscription_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [subscriptionId, last, PAGE])
          : [];
      for (const row of rows) {
        if (!open) break;
        await write(`id: ${row.seq}\nevent: feed-item\ndata: ${JSON.stringify({ ...row.item, id: String(row.seq) })}\n\n`);
        last = row.seq;
      }
      if (rows.length === PAGE || !open) continue; // more backlog: read on at once
      const idle = Date.now() - lastWrite;
      if (idle >= KEEP_ALIVE_MS) await write(': keep-alive\n\n');
      else await sleep(Math.min(pollMs, KEEP_ALIVE_MS - idle));
    }
  } catch (error) {
    // Headers are gone: end the stream; the client reconnects from its last id after `retry`.
    log.warn('feed stream failed; closing it', { subscription: subscriptionId, error: error instanceof Error ? error.message : String(error) });
  } finally {
    open = false;
    wake?.();
    req.off('close', close);
    res.off('close', close);
    if (!res.writableEnded) res.end();
  }
}
