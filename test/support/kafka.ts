import { Kafka, logLevel } from 'kafkajs';
import { createKafka, kafkaBrokers } from '../../libs/messaging/src/kafka/kafka-config';
import { ensureTopics } from '../../libs/messaging/src/kafka/kafka-topics';

export function testKafka(): Kafka {
  const brokers = kafkaBrokers();
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: the e2e global setup should have started a broker');
  return createKafka('hub-e2e', brokers);
}

/**
 * Topics are shared by every suite on one broker, so each suite works in its own
 * consumer group and its own database; topics come from the registry.
 */
export async function prepareTopics(kafka: Kafka): Promise<void> {
  await ensureTopics(kafka);
}

/** True once the group has committed every offset up to the end of the topic. */
export async function groupCaughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((end) => {
      const c = committed.partitions.find((p) => p.partition === end.partition);
      const at = c && c.offset !== '-1' ? BigInt(c.offset) : 0n;
      return at >= BigInt(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads every message of a topic from the start (with a throwaway group). */
export async function readAll(kafka: Kafka, topic: string, expectAtLeast: number, timeoutMs = 30_000) {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const seen: { key: string | null; value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
        if (seen.length >= expectAtLeast) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

export { logLevel };
