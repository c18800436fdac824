import { Kafka } from 'kafkajs';
import { dlqTopic } from '../../contracts/src';
import { Headers } from './headers';
import { physicalGroup, physicalTopic } from './kafka/kafka-config';
import { KafkaPublisher } from './kafka/kafka-publisher';

export interface ReplayReport {
  replayed: number;
  listed: { offset: string; error: string; failedAt: string; eventId?: string }[];
}

/**
 * Re-offers dead letters of `<topic>.dlq` to `<topic>` once the fault is fixed. The
 * replay group's committed offset marks what was already re-offered, so running it
 * twice does not offer a message twice; consumers dedupe by event id anyway. Original
 * key and value go back unchanged, headers say where they came from. Stops at the end
 * of the DLQ as it was when the replay started.
 */
export async function replayDeadLetters(kafka: Kafka, topic: string, options: { dryRun?: boolean; log?: (line: string) => void } = {}): Promise<ReplayReport> {
  const source = dlqTopic(topic);
  const log = options.log ?? (() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = physicalGroup(`dlq-replay.${topic}`);
  const ends = await admin.fetchTopicOffsets(physicalTopic(source));
  const [done] = await admin.fetchOffsets({ groupId, topics: [physicalTopic(source)] });
  await admin.disconnect();
  const report: ReplayReport = { replayed: 0, listed: [] };
  const startOf = (partition: number, low: string) => {
    const committed = done.partitions.find((p) => p.partition === partition)?.offset;
    // a dry run lists everything still in the DLQ; a replay starts where the last one stopped
    return !options.dryRun && committed && committed !== '-1' ? BigInt(committed) : BigInt(low);
  };
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > startOf(e.partition, e.low)).map((e) => [e.partition, BigInt(e.high)]));
  if (remaining.size === 0) return report;

  const publisher = new KafkaPublisher(kafka);
  const consumer = kafka.consumer({ groupId: options.dryRun ? `${groupId}.dry-run.${Date.now()}` : groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: physicalTopic(source), fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const idle = setTimeout(resolve, 15_000);
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            let eventId: string | undefined;
            try {
              eventId = JSON.parse(message.value?.toString() ?? '').id;
            } catch {
              /* not JSON: listed all the same */
            }
            report.listed.push({ offset: message.offset, error: headers[Headers.dlqError] ?? '', failedAt: headers[Headers.dlqFailedAt] ?? '', eventId });
            log(`${options.dryRun ? 'would replay' : 'replaying'} ${source}@${partition}:${message.offset} event ${eventId ?? '?'} (failed: ${headers[Headers.dlqError] ?? 'unknown'})`);
            if (!options.dryRun) {
              const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('x-dlq-')));
              await publisher.publish([
                {
                  topic: headers[Headers.dlqOriginTopic] || topic,
                  key: message.key?.toString() ?? '',
                  value: message.value?.toString() ?? '',
                  headers: { ...kept, [Headers.replayedFrom]: `${source}@${partition}:${message.offset}` },
                },
              ]);
              await consumer.commitOffsets([{ topic: physicalTopic(source), partition, offset: (BigInt(message.offset) + 1n).toString() }]);
              report.replayed++;
            }
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(idle);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await publisher.close();
  }
  return report;
}
