import { INestApplication } from '@nestjs/common';
import { OutboxRelay, Transport, transportFromEnv } from '../../../libs/messaging/src';
import { openServiceDatabase } from '../../../libs/persistence/src';
import { portFromEnv, startHttpService } from '../../../libs/platform/src';
import { DomesticIncident } from './domestic-incidents/domestic-incident.entity';
import { PoliceInit1763800000000 } from './migrations/1763800000000-police-init';
import { PoliceModule } from './police.module';

export const POLICE_SCHEMA = 'police';

/** Police edge: validated ingestion, record + event in one transaction, relay to the transport. */
export async function startPolice(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  const dataSource = await openServiceDatabase(
    { schema: POLICE_SCHEMA, entities: [DomesticIncident], migrations: [PoliceInit1763800000000] },
    opts.databaseUrl,
  );
  const transport = opts.transport ?? transportFromEnv('police');
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema: POLICE_SCHEMA });
  relay.start();
  const app = await startHttpService(PoliceModule.register({ dataSource, relay }), {
    service: 'police',
    title: 'safer-hub police edge',
    description: 'Cleveland Police records into the hub: domestic abuse incidents with DASH.',
    port: opts.port ?? portFromEnv('POLICE_PORT', 3001),
  });
  return app;
}
