import { Client } from 'pg';
import { createKafka, kafkaBrokers } from '../../../../libs/messaging/src/kafka/kafka-config';
import { CONSOLIDATION_GROUP } from '../consolidation.bootstrap';
import { consolidationTopics, READ_MODEL_TABLES, resetConsumerGroup, truncateReadModel } from './rebuild';

const usage = `usage: npm run consolidation:rebuild -- --yes
  Rebuilds consolidation from the Kafka log: moves consumer group ${CONSOLIDATION_GROUP} (CONSOLIDATION_GROUP)
  to the earliest offset of ${consolidationTopics().join(', ')},
  then empties ${READ_MODEL_TABLES.join(', ')}.
  The erasure register (consolidation.erasures) is kept, so erased people stay erased.
  Stop every consolidation instance first; start them again afterwards and they replay the log.
  Needs DATABASE_URL and KAFKA_BROKERS (KAFKA_TOPIC_PREFIX if the deployment uses one).`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!args.includes('--yes') || args.includes('--help')) {
    console.error(usage);
    process.exit(2);
  }
  const url = process.env.DATABASE_URL?.trim();
  if (!url) throw new Error('DATABASE_URL is not set (the consolidation database to rebuild)');
  const brokers = kafkaBrokers();
  if (!brokers) throw new Error('KAFKA_BROKERS is not set (the log to replay lives on Kafka)');

  // Offsets first: if emptying the tables then failed, a restart would replay onto the old
  // model and dedupe would change nothing. The other way round would lose the model.
  const admin = createKafka('consolidation-rebuild', brokers).admin();
  await admin.connect();
  try {
    const topics = await resetConsumerGroup(admin, CONSOLIDATION_GROUP);
    console.log(`consumer group ${CONSOLIDATION_GROUP} reset to the earliest offset of ${topics.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const tables = await truncateReadModel(db);
    console.log(`emptied consolidation.${tables.join(', consolidation.')}; consolidation.erasures kept`);
  } finally {
    await db.end();
  }
  console.log('start consolidation: it replays the log from the start (erased people are suppressed at intake)');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
