import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, TOPICS } from '../../../contracts/src';
import { EventConsumer } from '../event-consumer';
import { Transport } from '../ports';

/** What an `@EventPattern(type)` handler receives as its context: the batch's transaction. */
export class HubEventContext {
  constructor(readonly manager: EntityManager) {}
}

export interface HubEventsTransportOptions {
  service: string;
  schema: string;
  groupId: string;
  transport: Transport;
  dataSource: DataSource;
  afterCommit?: () => void;
}

/**
 * Lets handlers stay idiomatic Nest: `@EventPattern(EventTypes.X)` on a controller method
 * that takes `(events: CloudEvent<X>[], ctx: HubEventContext)`. Handlers receive the batch's
 * new events of their type at once (the hub's handlers write in bulk), inside the batch's
 * transaction; dedupe, DLQ, breaker and commits live in EventConsumer.
 */
export class HubEventsTransport extends Server implements CustomTransportStrategy {
  private consumer?: EventConsumer;
  private readonly subscriber;
  private readonly publisher;

  constructor(private readonly options: HubEventsTransportOptions) {
    super();
    this.subscriber = options.transport.subscriber();
    this.publisher = options.transport.publisher();
  }

  async listen(callback: (...optionalParams: unknown[]) => void): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    const topics = TOPICS.filter((t) => t.events.some((e) => patterns.includes(e.type))).map((t) => t.name);
    this.consumer = new EventConsumer(this.options.dataSource, this.publisher, {
      service: this.options.service,
      schema: this.options.schema,
      groupId: this.options.groupId,
      handles: (type) => this.messageHandlers.has(type),
      afterCommit: this.options.afterCommit,
      handler: async (events, manager) => this.dispatch(events, manager),
    });
    try {
      await this.subscriber.subscribe({ groupId: this.options.groupId, topics }, this.consumer.handleBatch);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async dispatch(events: CloudEvent[], manager: EntityManager): Promise<void> {
    // Consecutive runs of one type keep the partition's order across types.
    let run: CloudEvent[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const handler = this.messageHandlers.get(run[0].type)!;
      const result = await handler(run, new HubEventContext(manager));
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      run = [];
    };
    for (const event of events) {
      if (run.length > 0 && run[0].type !== event.type) await flush();
      run.push(event);
    }
    await flush();
  }

  async close(): Promise<void> {
    await this.subscriber.close();
    await this.publisher.close();
    this.consumer?.shutdown();
  }

  on(): void {
    throw new Error('HubEventsTransport does not emit status events');
  }

  unwrap<T>(): T {
    throw new Error('HubEventsTransport has no underlying client to unwrap');
  }
}
