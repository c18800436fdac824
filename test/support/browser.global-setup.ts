import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './browser-hub';
import e2eSetup from './e2e.global-setup';

/**
 * The browser suites: the e2e suites' real Kafka and PostgreSQL, the built web app, and
 * Debian's chromium. Anything missing fails the run here, saying what to do.
 */
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: the browser suites drive Debian's chromium (apt-get install chromium; .ci/run does) or CHROMIUM_PATH`);
  }
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'web', 'index.html'))) throw new Error('the browser suites need the built web app: run `npm run build` first (npm test does)');
  await e2eSetup();
}
