import { INestApplication } from '@nestjs/common';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { portFromEnv, startHttpService } from '../../../libs/platform/src';
import { TokenService } from './auth/tokens';
import { HubApiModule } from './hub-api.module';
import { HubInit1763800000000 } from './migrations/1763800000000-hub-init';

/** hub-api: the users' API. Reads consolidation's read models; owns the audit log. */
export async function startHubApi(opts: { databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  const dataSource = await openServiceDatabase({ schema: 'hub', entities: [], migrations: [HubInit1763800000000] }, opts.databaseUrl);
  const app = await startHttpService(HubApiModule.register({ dataSource, tokens: new TokenService() }), {
    service: 'hub-api',
    title: 'safer-hub API',
    description:
      'The partnership users’ API. Every call: `Authorization: Bearer <token>` and `X-Purpose: <ISA purpose id>`. ' +
      'Demo tokens: `POST /api/auth/demo-token` (default run only).',
    port: opts.port ?? portFromEnv('HUB_API_PORT', 3000),
    bearerAuth: true,
  });
  return app;
}
