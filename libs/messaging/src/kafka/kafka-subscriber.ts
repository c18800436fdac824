import { Consumer, Kafka } from 'kafkajs';
import { BatchHandler, InboundMessage, MessageSubscriber } from '../ports';
import { logicalTopic, physicalGroup, physicalTopic } from './kafka-config';

/**
 * kafkajs consumer with manual commits: the offsets of a batch are committed only after
 * the handler resolved (i.e. after its database transaction committed). A handler that
 * throws leaves the offsets where they were, so the batch comes again.
 */
export class KafkaSubscriber implements MessageSubscriber {
  private readonly consumers: Consumer[] = [];

  constructor(private readonly kafka: Kafka) {}

  async subscribe(options: { groupId: string; topics: string[]; fromBeginning?: boolean }, handler: BatchHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: physicalGroup(options.groupId),
      // A crashed instance's partitions move after 10 s rather than the default 30 s.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: 10, initialRetryTime: 300 },
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics.map((t) => physicalTopic(t)), fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batches of different partitions overlap (decode on one while another waits on
      // PostgreSQL); order within a partition, hence per key, still holds.
      partitionsConsumedConcurrently: Number(process.env.CONSUMER_PARTITIONS_CONCURRENTLY ?? 3),
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const messages: InboundMessage[] = batch.messages.map((m) => ({
          topic: logicalTopic(batch.topic),
          partition: batch.partition,
          offset: m.offset,
          key: m.key?.toString('utf8') ?? null,
          value: m.value?.toString('utf8') ?? null,
          headers: Object.fromEntries(
            Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : (v?.toString('utf8') ?? '')]),
          ),
        }));
        await handler(messages, { heartbeat, isActive: () => isRunning() && !isStale() });
        resolveOffset(batch.lastOffset());
        // The committed offset is the next one to read.
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
  }
}
