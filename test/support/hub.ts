import { INestApplication } from '@nestjs/common';
import { InProcessTransport } from '../../libs/messaging/src';
import { startConsolidation } from '../../apps/consolidation/src/consolidation.bootstrap';
import { startHubApi } from '../../apps/hub-api/src/hub-api.bootstrap';
import { freePort, postJson } from './fixtures';
import { createTestDatabase } from './postgres';

export interface HubOnPostgres {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  transport: InProcessTransport;
  /** hub-api's base URL */
  base: string;
  /** headers of a demo user acting for a purpose */
  as(user: string, purpose: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Consolidation and hub-api on a fresh test database, over the in-process bus (the caller's, if it has one), demo sign-in on. */
export async function startHubOnPostgres(transport = new InProcessTransport()): Promise<HubOnPostgres> {
  process.env.HUB_DEMO_MODE = 'true';
  const db = await createTestDatabase();
  const apps: INestApplication[] = [await startConsolidation({ transport, databaseUrl: db.url, port: await freePort() })];
  const port = await freePort();
  apps.push(await startHubApi({ transport, databaseUrl: db.url, port }));
  const base = `http://127.0.0.1:${port}`;
  return {
    db,
    transport,
    base,
    as: async (user, purpose) => ({ Authorization: `Bearer ${(await postJson(`${base}/api/auth/demo-token`, { user })).body.token}`, 'X-Purpose': purpose }),
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      await db.drop();
    },
  };
}
