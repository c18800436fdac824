import { INestApplication } from '@nestjs/common';
import { startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';
import { domesticIncidentStore } from './domestic-incidents/domestic-incident.store';
import { PoliceInit1763800000000 } from './migrations/1763800000000-police-init';
import { PoliceRecords1763900000000 } from './migrations/1763900000000-police-records';

export const POLICE_SCHEMA = 'police';

/** Police edge: DA incidents with DASH, custody entries and releases, ASB incidents, recorded crimes and outcomes. */
export function startPolice(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'police',
    title: 'safer-hub police edge',
    description: 'Cleveland Police records into the hub: domestic abuse incidents with DASH, custody, ASB, recorded crime and outcomes.',
    port: opts.port ?? portFromEnv('POLICE_PORT', 3001),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
    migrations: [PoliceInit1763800000000, PoliceRecords1763900000000],
    stores: (dataSource) => ({ 'domestic-incident': domesticIncidentStore(dataSource) }),
  });
}
