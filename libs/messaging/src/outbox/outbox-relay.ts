import CircuitBreaker from 'opossum';
import { DataSource } from 'typeorm';
import { createBreaker, reportBreaker, sleep, untilNotOpen } from '../breaker';
import { Headers } from '../headers';
import { MessagePublisher, OutboundMessage } from '../ports';
import { HubLogger } from '../../../platform/src/logger';
import { outboxPublished } from '../../../platform/src/metrics';

export interface OutboxRelayOptions {
  schema: string;
  batchSize?: number;
  /** idle poll interval; `nudge()` wakes the relay at once after a local commit */
  pollMs?: number;
}

/**
 * Publishes a service's outbox to the transport in commit order. One relay per service:
 * a transaction-scoped advisory lock keyed by the schema lets only one instance publish at
 * a time, so per-key order holds even with several instances. An opossum breaker pauses
 * the relay while the broker is unreachable; rows stay in the outbox until acked.
 */
export class OutboxRelay {
  private readonly log: HubLogger;
  private readonly breaker: CircuitBreaker<[OutboundMessage[]], void>;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** a nudge that came while a round was running: go again at once */
  private nudged = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.log = new HubLogger(`outbox-relay:${options.schema}`);
    this.breaker = createBreaker(`outbox-relay:${options.schema}`, (messages: OutboundMessage[]) => this.publisher.publish(messages));
    reportBreaker(this.breaker, { service: options.schema, dependency: 'broker' }, this.log, 'relay');
  }

  get breakerState(): 'open' | 'half-open' | 'closed' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    this.breaker.shutdown();
  }

  /** Publishes whatever is pending now; returns how many went out. */
  async relayOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    const schema = this.options.schema;
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`outbox:${schema}`]);
      if (!locked) return 0;
      const rows: { seq: string; event_id: string; topic: string; message_key: string; event: string; type: string }[] = await manager.query(
        `SELECT seq, event_id, topic, message_key, event, event::json->>'type' AS type
           FROM "${schema}".outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await this.breaker.fire(
        rows.map((r) => ({
          topic: r.topic,
          key: r.message_key,
          value: r.event,
          headers: { [Headers.ceType]: r.type, [Headers.ceId]: r.event_id },
        })),
      );
      await manager.query(`UPDATE "${schema}".outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 200;
    while (this.running) {
      try {
        await untilNotOpen(this.breaker, () => !this.running);
        this.nudged = false;
        const n = await this.relayOnce();
        outboxPublished.labels(this.options.schema).inc(n);
        if (n > 0) continue;
      } catch (error) {
        if (!this.breaker.opened) this.log.warn('relay round failed; will retry', { error: String(error) });
        await sleep(500);
      }
      if (this.nudged) {
        this.nudged = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
