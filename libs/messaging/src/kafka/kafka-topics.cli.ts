import { createKafka, kafkaBrokers } from './kafka-config';
import { ensureTopics, smokeTest } from './kafka-topics';

// Used by deploy/kafka/kafka.sh once the broker listens: topics from the registry, then a smoke test.
async function main(): Promise<void> {
  const brokers = kafkaBrokers();
  if (!brokers) throw new Error('KAFKA_BROKERS is not set');
  const kafka = createKafka('hub-topics', brokers);
  const created = await ensureTopics(kafka);
  console.error(`[kafka] topics created: ${created.length ? created.join(', ') : '(all existed)'}`);
  await smokeTest(kafka);
  console.error('[kafka] smoke test passed: produce (idempotent, acks=all) and consumer-group consume');
}

main().catch((error) => {
  console.error(`[kafka] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
