import { INestApplication } from '@nestjs/common';
import { startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';

/** Housing edge: landlord ASB reports and enforcement, DA disclosures, target hardening. */
export function startHousing(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'housing',
    title: 'safer-hub housing edge',
    description: 'Housing providers’ records into the hub: tenancy ASB reports, enforcement actions, domestic abuse disclosures and target hardening.',
    port: opts.port ?? portFromEnv('HOUSING_PORT', 3003),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
  });
}
