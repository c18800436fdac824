import { INestApplication } from '@nestjs/common';
import { HubEventsTransport, OutboxRelay, Transport, transportFromEnv } from '../../../libs/messaging/src';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { portFromEnv, startHttpService } from '../../../libs/platform/src';
import { ConsolidationModule } from './consolidation.module';
import { ConsolidationInit1763800000000 } from './migrations/1763800000000-consolidation-init';
import { ConsolidationIdentity1763900000000 } from './migrations/1763900000000-consolidation-identity';

export const CONSOLIDATION_SCHEMA = 'consolidation';
export const CONSOLIDATION_MIGRATIONS = [ConsolidationInit1763800000000, ConsolidationIdentity1763900000000];
export const CONSOLIDATION_GROUP = process.env.CONSOLIDATION_GROUP ?? 'consolidation';

/**
 * Consolidation: the only consumer of agency topics. Any number of instances may run in
 * one consumer group; the victim's personRef keys the partition, so one victim's events
 * are judged by one instance at a time.
 */
export async function startConsolidation(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  const dataSource = await openServiceDatabase(
    { schema: CONSOLIDATION_SCHEMA, entities: [], migrations: CONSOLIDATION_MIGRATIONS },
    opts.databaseUrl,
  );
  const transport = opts.transport ?? transportFromEnv('consolidation');
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema: CONSOLIDATION_SCHEMA });
  relay.start();
  const port = opts.port ?? portFromEnv('CONSOLIDATION_PORT', 3006);
  const app = await startHttpService(ConsolidationModule.register({ dataSource, relay }), {
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
