import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default async function teardown(): Promise<void> {
  const port = process.env.HUB_TEST_STARTED_KAFKA;
  if (!port || process.env.KEEP_KAFKA) return;
  execFileSync('bash', [join(__dirname, '..', '..', 'deploy', 'kafka', 'kafka.sh'), 'stop'], { env: { ...process.env, KAFKA_PORT: port }, stdio: 'inherit' });
  // the e2e and browser projects share this teardown: the broker is stopped once
  delete process.env.HUB_TEST_STARTED_KAFKA;
}
