import CircuitBreaker from 'opossum';
import { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, dlqTopic, envelopeFaults, eventTypeSpec, validatePayload } from '../../contracts/src';
import { HubLogger } from '../../platform/src/logger';
import { eventsConsumed } from '../../platform/src/metrics';
import { createBreaker, reportBreaker, sleep, untilNotOpen } from './breaker';
import { Headers } from './headers';
import { BatchContext, InboundMessage, MessagePublisher, OutboundMessage } from './ports';

/** Handles the new (not yet seen) events of one batch, inside the batch's transaction. */
export type EventBatchHandler = (events: CloudEvent[], manager: EntityManager) => Promise<void>;

export interface EventConsumerOptions {
  service: string;
  /** the schema holding this service's processed_events table */
  schema: string;
  groupId: string;
  /** how often one event is tried alone before it is dead-lettered */
  maxAttempts?: number;
  handler: EventBatchHandler;
  /** event types this consumer handles; others on its topics are acknowledged and skipped */
  handles: (type: string) => boolean;
  /** called after each committed transaction, e.g. to wake the service's outbox relay */
  afterCommit?: () => void;
}

/** A batch failed although the database answers: some event in it is at fault. */
class PoisonBatchError extends Error {
  constructor(readonly failure: unknown) {
    super(String(failure));
  }
}

/**
 * The consumer side of every service, whatever the transport:
 * - decodes and validates each message (envelope and payload contract); a bad one goes to
 *   `<topic>.dlq` with the reason and origin in headers, and the stream keeps flowing;
 * - runs the handler for the batch in one transaction, with dedupe by event id in that same
 *   transaction, so a redelivered event changes nothing;
 * - while PostgreSQL is unreachable, an opossum breaker opens and the consumer waits
 *   (heartbeating) instead of crash-looping or dead-lettering good events;
 * - when a batch fails with the database up, each event is tried alone up to maxAttempts
 *   times and the ones that still fail are dead-lettered.
 * It returns only when every message of the batch is either committed to the database or
 * in the DLQ, so the transport may then commit the offsets.
 */
export class EventConsumer {
  private readonly log: HubLogger;
  private readonly breaker: CircuitBreaker<[CloudEvent[], string], void>;
  private readonly maxAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dlqPublisher: MessagePublisher,
    private readonly options: EventConsumerOptions,
  ) {
    this.log = new HubLogger(`consumer:${options.groupId}`);
    this.maxAttempts = options.maxAttempts ?? 3;
    this.breaker = createBreaker(`db:${options.groupId}`, (events: CloudEvent[], topic: string) => this.commitBatch(events, topic), {
      resetTimeoutMs: 1000,
      // Failures caused by the data, not by the database, must not open the breaker.
      errorFilter: (e) => e instanceof PoisonBatchError,
    });
    reportBreaker(this.breaker, { service: options.service, dependency: 'database' }, this.log, 'consumer');
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  readonly handleBatch = async (messages: InboundMessage[], ctx: BatchContext): Promise<void> => {
    const dead: OutboundMessage[] = [];
    const valid: CloudEvent[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const decoded = this.decode(message);
      if ('reason' in decoded) {
        dead.push(this.deadLetter(message, decoded.reason, 0));
      } else if (!seen.has(decoded.event.id)) {
        seen.add(decoded.event.id);
        valid.push(decoded.event);
      }
    }

    if (valid.length > 0) {
      const failed = await this.commitWithRetries(valid, messages[0].topic, ctx);
      for (const { event, error } of failed) {
        const message = messages.find((m) => this.idOf(m) === event.id)!;
        dead.push(this.deadLetter(message, `handler failed ${this.maxAttempts} times: ${error}`, this.maxAttempts));
      }
    }

    if (dead.length > 0) {
      await this.dlqPublisher.publish(dead);
      eventsConsumed.labels(this.options.service, messages[0].topic, 'dead-lettered').inc(dead.length);
      this.log.warn('dead-lettered messages', { count: dead.length, topic: messages[0].topic, offsets: dead.map((d) => d.headers?.[Headers.dlqOriginOffset]) });
    }
  };

  /** Returns the events that failed alone maxAttempts times with the database up. */
  private async commitWithRetries(events: CloudEvent[], topic: string, ctx: BatchContext): Promise<{ event: CloudEvent; error: string }[]> {
    try {
      await this.fireUntilDatabaseAnswers(events, topic, ctx);
      return [];
    } catch (error) {
      if (!(error instanceof PoisonBatchError)) throw error;
      if (events.length > 1) this.log.warn('batch failed with the database up; isolating events', { events: events.length, error: String(error.failure) });
    }
    const failed: { event: CloudEvent; error: string }[] = [];
    for (const event of events) {
      let lastError = '';
      let done = false;
      for (let attempt = 1; attempt <= this.maxAttempts && !done; attempt++) {
        try {
          await this.fireUntilDatabaseAnswers([event], topic, ctx);
          done = true;
        } catch (error) {
          if (!(error instanceof PoisonBatchError)) throw error;
          lastError = String(error.failure instanceof Error ? error.failure.message : error.failure);
          await sleep(50 * attempt);
        }
      }
      if (!done) failed.push({ event, error: lastError });
    }
    return failed;
  }

  /** Tries the transaction; while the database is down, waits for the breaker and tries again. */
  private async fireUntilDatabaseAnswers(events: CloudEvent[], topic: string, ctx: BatchContext): Promise<void> {
    for (;;) {
      try {
        await this.breaker.fire(events, topic);
        return;
      } catch (error) {
        if (error instanceof PoisonBatchError) throw error;
        if (!ctx.isActive()) throw new Error(`consumer stopping with the database unreachable: ${String(error)}`);
        await ctx.heartbeat().catch(() => undefined);
        await untilNotOpen(this.breaker, () => !ctx.isActive());
        await sleep(200);
      }
    }
  }

  private async commitBatch(events: CloudEvent[], topic: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        const inserted: { event_id: string }[] = await manager.query(
          `INSERT INTO "${this.options.schema}".processed_events (consumer_group, event_id)
           SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
          [this.options.groupId, events.map((e) => e.id)],
        );
        const fresh = new Set(inserted.map((r) => r.event_id));
        const toHandle = events.filter((e) => fresh.has(e.id) && this.options.handles(e.type));
        if (toHandle.length > 0) await this.options.handler(toHandle, manager);
        eventsConsumed.labels(this.options.service, topic, 'processed').inc(toHandle.length);
        eventsConsumed.labels(this.options.service, topic, 'duplicate').inc(events.length - fresh.size);
      });
      this.options.afterCommit?.();
    } catch (error) {
      if (await this.databaseAnswers()) throw new PoisonBatchError(error);
      throw error;
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private idOf(message: InboundMessage): string | undefined {
    try {
      return JSON.parse(message.value ?? '').id;
    } catch {
      return undefined;
    }
  }

  private decode(message: InboundMessage): { event: CloudEvent } | { reason: string } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value ?? '');
    } catch {
      return { reason: 'the message is not JSON' };
    }
    const faults = envelopeFaults(parsed);
    if (faults.length > 0) return { reason: `bad CloudEvents envelope: ${faults.map((f) => `${f.path}: ${f.reason}`).join('; ')}` };
    const event = parsed as CloudEvent;
    const spec = eventTypeSpec(event.type);
    if (!spec) return { reason: `unknown event type ${event.type}` };
    const result = validatePayload(spec.payload, event.data);
    if (!result.ok) return { reason: `data fails ${event.type}: ${result.faults.map((f) => `${f.path}: ${f.reason}`).join('; ')}` };
    return { event };
  }

  private deadLetter(message: InboundMessage, reason: string, attempts: number): OutboundMessage {
    return {
      topic: dlqTopic(message.topic),
      key: message.key ?? '',
      value: message.value ?? '',
      headers: {
        ...message.headers,
        [Headers.dlqError]: reason.slice(0, 2000),
        [Headers.dlqOriginTopic]: message.topic,
        [Headers.dlqOriginPartition]: String(message.partition),
        [Headers.dlqOriginOffset]: message.offset,
        [Headers.dlqConsumerGroup]: this.options.groupId,
        [Headers.dlqFailedAt]: new Date().toISOString(),
        [Headers.dlqAttempts]: String(attempts),
      },
    };
  }
}
