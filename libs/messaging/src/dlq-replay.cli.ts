import { TOPICS } from '../../contracts/src';
import { createKafka, kafkaBrokers } from './kafka/kafka-config';
import { replayDeadLetters } from './dlq-replay';

const usage = `usage: npm run dlq:replay -- --topic <topic> [--dry-run]
  Re-offers the dead letters of <topic>.dlq to <topic> (after the fault is fixed).
  --dry-run lists them with their errors and replays nothing.
  Needs KAFKA_BROKERS. Topics: ${TOPICS.map((t) => t.name).join(', ')}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topicAt = args.indexOf('--topic');
  const topic = topicAt >= 0 ? args[topicAt + 1] : undefined;
  if (!topic || args.includes('--help')) {
    console.error(usage);
    process.exit(2);
  }
  if (!TOPICS.some((t) => t.name === topic)) throw new Error(`unknown topic ${topic}\n${usage}`);
  const brokers = kafkaBrokers();
  if (!brokers) throw new Error('KAFKA_BROKERS is not set (the dead-letter topics live on Kafka)');
  const report = await replayDeadLetters(createKafka('hub-dlq-replay', brokers), topic, { dryRun: args.includes('--dry-run'), log: (l) => console.log(l) });
  console.log(`${args.includes('--dry-run') ? 'listed' : 'replayed'} ${args.includes('--dry-run') ? report.listed.length : report.replayed} dead letter(s) of ${topic}.dlq`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
