import { INestApplication } from '@nestjs/common';
import { loadAgreements, PolicyDecisionPoint } from '../../../libs/isa/src';
import { OutboxRelay, Transport, transportFromEnv } from '../../../libs/messaging/src';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { portFromEnv, startHttpService } from '../../../libs/platform/src';
import { TokenService } from './auth/tokens';
import { HubApiModule } from './hub-api.module';
import { HubInit1763800000000 } from './migrations/1763800000000-hub-init';
import { HubOutbox1763900000000 } from './migrations/1763900000000-hub-outbox';

export const HUB_SCHEMA = 'hub';

/**
 * hub-api: the users' API. Reads consolidation's read models; owns the audit log; people's
 * decisions that change consolidation's data (identity links) go out as events through its outbox.
 */
export async function startHubApi(opts: { transport?: Transport; databaseUrl?: string; port?: number; agreementsDir?: string } = {}): Promise<INestApplication> {
  // Before anything else: an agreement file the hub cannot read stops it (file and fault named).
  const policy = new PolicyDecisionPoint(loadAgreements(opts.agreementsDir));
  const dataSource = await openServiceDatabase({ schema: HUB_SCHEMA, entities: [], migrations: [HubInit1763800000000, HubOutbox1763900000000] }, opts.databaseUrl);
  const transport = opts.transport ?? transportFromEnv('hub-api');
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema: HUB_SCHEMA });
  relay.start();
  const app = await startHttpService(HubApiModule.register({ dataSource, relay, tokens: new TokenService(), policy }), {
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
