import { INestApplication } from '@nestjs/common';
import { defaultAgreementsDir, loadAgreements, PolicyDecisionPoint, watchAgreements } from '../../../libs/isa/src';
import { OutboxRelay, Transport, transportFromEnv } from '../../../libs/messaging/src';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { HubLogger, portFromEnv, startHttpService } from '../../../libs/platform/src';
import { TokenService } from './auth/tokens';
import { HubApiModule } from './hub-api.module';
import { HubInit1763800000000 } from './migrations/1763800000000-hub-init';
import { HubOutbox1763900000000 } from './migrations/1763900000000-hub-outbox';
import { HubConsent1764000000000 } from './migrations/1764000000000-hub-consent';
import { HubAuditChain1764100000000 } from './migrations/1764100000000-hub-audit-chain';
import { HubSubjectRights1764200000000 } from './migrations/1764200000000-hub-subject-rights';
import { HubNotifications1764300000000 } from './migrations/1764300000000-hub-notifications';
import { HubAuditRetention1764400000000 } from './migrations/1764400000000-hub-audit-retention';
import { HubMarac1764500000000 } from './migrations/1764500000000-hub-marac';
import { HubMaracManual1764600000000 } from './migrations/1764600000000-hub-marac-manual';
import { HubMaracResearch1764700000000 } from './migrations/1764700000000-hub-marac-research';
import { HubMaracActions1764800000000 } from './migrations/1764800000000-hub-marac-actions';
import { HubEncompass1764900000000 } from './migrations/1764900000000-hub-encompass';
import { HubCustody1765000000000 } from './migrations/1765000000000-hub-custody';
import { HubAnalytics1765100000000 } from './migrations/1765100000000-hub-analytics';
import { loadMaracGroups } from './marac/marac-groups';
import { serveWebApp } from './web/web-app';

export const HUB_SCHEMA = 'hub';
/** hub-api's schema migrations, in order (tests run them on a fresh database too) */
export const HUB_MIGRATIONS = [HubInit1763800000000, HubOutbox1763900000000, HubConsent1764000000000, HubAuditChain1764100000000, HubSubjectRights1764200000000, HubNotifications1764300000000, HubAuditRetention1764400000000, HubMarac1764500000000, HubMaracManual1764600000000, HubMaracResearch1764700000000, HubMaracActions1764800000000, HubEncompass1764900000000, HubCustody1765000000000, HubAnalytics1765100000000];

/**
 * hub-api: the users' API. Reads consolidation's read models; owns the audit log; people's
 * decisions that change consolidation's data (identity links) go out as events through its outbox.
 */
export async function startHubApi(opts: { transport?: Transport; databaseUrl?: string; port?: number; agreementsDir?: string } = {}): Promise<INestApplication> {
  // Before anything else: an agreement file the hub cannot read stops it (file and fault named).
  const agreementsDir = opts.agreementsDir ?? process.env.ISA_DIR ?? defaultAgreementsDir();
  const policy = new PolicyDecisionPoint(loadAgreements(agreementsDir));
  // A new agreement version takes effect without a restart; a bad file keeps the old one in force.
  const log = new HubLogger('agreements');
  const watch = watchAgreements(agreementsDir, policy, {
    reloaded: (agreements) => log.log('agreements reloaded', { versions: agreements.map((a) => `${a.id} ${a.version} (${a.status})`) }),
    refused: (error) => log.error('agreement change refused: the versions in force stay', { error: error.message }),
  });
  const maracGroups = loadMaracGroups();
  const dataSource = await openServiceDatabase({ schema: HUB_SCHEMA, entities: [], migrations: HUB_MIGRATIONS }, opts.databaseUrl);
  const transport = opts.transport ?? transportFromEnv('hub-api');
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema: HUB_SCHEMA });
  relay.start();
  const app = await startHttpService(HubApiModule.register({ dataSource, relay, tokens: new TokenService(), policy, watch, maracGroups, transport }), {
    service: 'hub-api',
    title: 'safer-hub API',
    description:
      'The partnership users’ API. Every call: `Authorization: Bearer <token>` and `X-Purpose: <ISA purpose id>`. ' +
      'Demo tokens: `POST /api/auth/demo-token` (default run only). The web app is at `/app/`.',
    port: opts.port ?? portFromEnv('HUB_API_PORT', 3000),
    bearerAuth: true,
    purposeHeader: true,
    configure: serveWebApp,
  });
  return app;
}
