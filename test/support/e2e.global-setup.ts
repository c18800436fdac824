import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertPostgresReachable } from './postgres';

const root = join(__dirname, '..', '..');

/**
 * The end-to-end suites run on a real Kafka broker. With KAFKA_BROKERS set they use it;
 * otherwise they start one with deploy/kafka (port 19092, so a developer's broker on 9092
 * is left alone) and stop it afterwards. If it cannot start, the run fails here, loudly.
 */
export default async function setup(): Promise<void> {
  await assertPostgresReachable();
  if (!existsSync(join(root, 'dist', 'apps', 'police', 'src', 'main.js'))) {
    throw new Error('the e2e suites spawn the built services: run `npm run build` first (npm test does)');
  }
  if (process.env.KAFKA_BROKERS) return;
  const port = process.env.TEST_KAFKA_PORT ?? '19092';
  try {
    execFileSync('bash', [join(root, 'deploy', 'kafka', 'kafka.sh'), 'start'], { env: { ...process.env, KAFKA_PORT: port }, stdio: 'inherit' });
  } catch {
    throw new Error(`could not start the Kafka broker with deploy/kafka/kafka.sh (port ${port}); see its output above. The e2e suites need a real broker: fix that or set KAFKA_BROKERS.`);
  }
  process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  process.env.HUB_TEST_STARTED_KAFKA = port;
}
