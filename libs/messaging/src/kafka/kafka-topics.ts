import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { allTopicNames } from '../../../contracts/src';
import { physicalTopic } from './kafka-config';
import { KafkaPublisher } from './kafka-publisher';

/** Creates every registry topic (and its DLQ) that does not exist yet. */
export async function ensureTopics(kafka: Kafka, topics = allTopicNames()): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.map((t) => ({ ...t, name: physicalTopic(t.name) })).filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
      });
      await untilLeadersKnown(admin, missing.map((t) => t.name));
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh broker creating many topics at once answers "does not host this topic-partition"
 * for a while after createTopics returned: wait until every partition has a leader.
 */
async function untilLeadersKnown(admin: ReturnType<Kafka['admin']>, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch {
      /* not yet known to the broker */
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Proves that this broker serves kafkajs: idempotent produce with acks=all, then a
 * consumer-group consume of the same message.
 */
export async function smokeTest(kafka: Kafka): Promise<void> {
  const topic = 'hub.smoke-test';
  await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
  const marker = randomUUID();
  const publisher = new KafkaPublisher(kafka);
  await publisher.publish([{ topic, key: marker, value: marker }]);
  await publisher.close();
  const consumer = kafka.consumer({ groupId: `smoke-${marker}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: physicalTopic(topic), fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('smoke test: no message consumed within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString() === marker) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
