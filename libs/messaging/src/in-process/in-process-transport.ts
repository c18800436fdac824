import { BatchContext, BatchHandler, InboundMessage, MessagePublisher, MessageSubscriber, OutboundMessage, Transport } from '../ports';

interface Group {
  handler: BatchHandler;
  /** next offset to deliver, per topic */
  positions: Map<string, number>;
  running: Promise<void>;
  pending: boolean;
}

/**
 * A single-process stand-in for Kafka behind the same ports: an append-only log per topic,
 * consumer groups with their own positions, delivery in batches, a position that moves only
 * after the handler resolved. It keeps the log in memory, so it is for the default run and
 * fast tests, never for a deployment.
 */
export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  private readonly logs = new Map<string, InboundMessage[]>();
  private readonly groups = new Map<string, Group & { topics: string[] }>();
  private closed = false;

  constructor(private readonly maxBatch = 500) {}

  publisher(): MessagePublisher {
    return {
      publish: async (messages: OutboundMessage[]) => this.append(messages),
      close: async () => undefined,
    };
  }

  /** Any topic name is a log here. */
  async ensureTopics(): Promise<void> {}

  subscriber(): MessageSubscriber {
    return {
      subscribe: async ({ groupId, topics }, handler) => {
        if (this.groups.has(groupId)) throw new Error(`in-process transport: group ${groupId} already has a consumer`);
        const group = { handler, topics, positions: new Map(topics.map((t) => [t, 0])), running: Promise.resolve(), pending: false };
        this.groups.set(groupId, group);
        this.schedule(group);
      },
      close: async () => {
        this.closed = true;
        await Promise.all([...this.groups.values()].map((g) => g.running));
      },
    };
  }

  /** Everything ever published to a topic (for the DLQ replay and tests). */
  read(topic: string): readonly InboundMessage[] {
    return this.logs.get(topic) ?? [];
  }

  /** Resolves when every group has consumed everything published so far. */
  async drained(): Promise<void> {
    for (;;) {
      await Promise.all([...this.groups.values()].map((g) => g.running));
      const behind = [...this.groups.values()].some((g) => g.topics.some((t) => (g.positions.get(t) ?? 0) < this.read(t).length));
      if (!behind) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private append(messages: OutboundMessage[]): void {
    for (const m of messages) {
      const log = this.logs.get(m.topic) ?? [];
      this.logs.set(m.topic, log);
      log.push({ topic: m.topic, partition: 0, offset: String(log.length), key: m.key, value: m.value, headers: { ...(m.headers ?? {}) } });
    }
    for (const group of this.groups.values()) {
      if (messages.some((m) => group.topics.includes(m.topic))) this.schedule(group);
    }
  }

  private schedule(group: Group & { topics: string[] }): void {
    if (group.pending || this.closed) return;
    group.pending = true;
    group.running = group.running.then(async () => {
      group.pending = false;
      await this.deliver(group);
    });
  }

  private async deliver(group: Group & { topics: string[] }): Promise<void> {
    const ctx: BatchContext = { heartbeat: async () => undefined, isActive: () => !this.closed };
    for (const topic of group.topics) {
      for (;;) {
        const position = group.positions.get(topic) ?? 0;
        const batch = this.read(topic).slice(position, position + this.maxBatch);
        if (batch.length === 0 || this.closed) break;
        try {
          await group.handler(batch, ctx);
          group.positions.set(topic, position + batch.length);
        } catch (error) {
          // Like Kafka: the position stays, the batch comes again after a pause.
          process.stderr.write(JSON.stringify({ level: 'error', context: 'in-process-transport', msg: 'batch handler failed; will redeliver', error: String(error) }) + '\n');
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }
}
