import { INestApplication } from '@nestjs/common';
import { AGENCIES } from '../../../libs/contracts/src';
import { defaultAgreementsDir, loadAgreements, watchAgreements } from '../../../libs/isa/src';
import { HubEventsTransport, OutboxRelay, Transport, transportFromEnv } from '../../../libs/messaging/src';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { HubLogger, portFromEnv, startHttpService } from '../../../libs/platform/src';
import { ConsolidationModule } from './consolidation.module';
import { ConsolidationInit1763800000000 } from './migrations/1763800000000-consolidation-init';
import { ConsolidationIdentity1763900000000 } from './migrations/1763900000000-consolidation-identity';
import { ConsolidationRecords1764000000000 } from './migrations/1764000000000-consolidation-records';
import { ConsolidationPrivacy1764100000000 } from './migrations/1764100000000-consolidation-privacy';
import { ConsolidationImpersonalRecords1764200000000 } from './migrations/1764200000000-consolidation-impersonal-records';
import { ConsolidationCustody1764300000000 } from './migrations/1764300000000-consolidation-custody';
import { ConsolidationEncompass1764400000000 } from './migrations/1764400000000-consolidation-encompass';
import { ConsolidationAnalyticsFacts1765100000000 } from './migrations/1765100000000-consolidation-analytics-facts';
import { RetentionPolicy } from './privacy/retention-policy';

export const CONSOLIDATION_SCHEMA = 'consolidation';
export const CONSOLIDATION_MIGRATIONS = [ConsolidationInit1763800000000, ConsolidationIdentity1763900000000, ConsolidationRecords1764000000000, ConsolidationPrivacy1764100000000, ConsolidationImpersonalRecords1764200000000, ConsolidationCustody1764300000000, ConsolidationEncompass1764400000000, ConsolidationAnalyticsFacts1765100000000];
export const CONSOLIDATION_GROUP = process.env.CONSOLIDATION_GROUP ?? 'consolidation';

/**
 * Consolidation: the only consumer of agency topics. Any number of instances may run in
 * one consumer group; the victim's personRef keys the partition, so one victim's events
 * are judged by one instance at a time.
 */
export async function startConsolidation(opts: { transport?: Transport; databaseUrl?: string; port?: number; agreementsDir?: string } = {}): Promise<INestApplication> {
  const agreementsDir = opts.agreementsDir ?? process.env.ISA_DIR ?? defaultAgreementsDir();
  const retention = retentionFromAgreements(agreementsDir);
  const log = new HubLogger('agreements');
  const watch = watchAgreements(agreementsDir, retention, {
    reloaded: () => log.log('agreements reloaded: retention per agency', { retention: Object.fromEntries(retention.byAgency) }),
    refused: (error) => log.error('agreement change refused: the retention in force stays', { error: error.message }),
  });
  const dataSource = await openServiceDatabase(
    { schema: CONSOLIDATION_SCHEMA, entities: [], migrations: CONSOLIDATION_MIGRATIONS },
    opts.databaseUrl,
  );
  const transport = opts.transport ?? transportFromEnv('consolidation');
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema: CONSOLIDATION_SCHEMA });
  relay.start();
  const port = opts.port ?? portFromEnv('CONSOLIDATION_PORT', 3006);
  const app = await startHttpService(ConsolidationModule.register({ dataSource, relay, retention, watch }), {
    service: 'consolidation',
    title: 'safer-hub consolidation',
    description: 'Consumes agency topics: links people across agencies, keeps their chronologies, raises MARAC referrals and work items. HTTP: health and metrics only.',
    port,
  });
  app.connectMicroservice(
    { strategy: new HubEventsTransport({ service: 'consolidation', schema: CONSOLIDATION_SCHEMA, groupId: CONSOLIDATION_GROUP, transport, dataSource, afterCommit: () => relay.nudge() }) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  return app;
}

/**
 * Retention comes from the information-sharing agreements: a file consolidation cannot read
 * stops it before it consumes anything (file and fault named), as it stops hub-api.
 */
export function retentionFromAgreements(dir = process.env.ISA_DIR ?? defaultAgreementsDir()): RetentionPolicy {
  const policy = RetentionPolicy.fromAgreements(loadAgreements(dir));
  const log = new HubLogger('retention');
  log.log('retention per agency', { retention: Object.fromEntries(policy.byAgency) });
  const none = AGENCIES.filter((a) => !policy.byAgency.has(a));
  if (none.length > 0) log.warn('no agreed retention for some agencies: their records are kept until the agreement names one', { agencies: none });
  return policy;
}
