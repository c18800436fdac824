import { INestApplication } from '@nestjs/common';
import { startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';

/** Cleveland Fire Brigade edge: deliberate fires (the hub derives the IRS category) and fire-setter referrals. */
export function startFire(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'fire',
    title: 'safer-hub fire edge',
    description: 'Cleveland Fire Brigade records into the hub: IRS deliberate fires (primary/secondary derived by the hub) and Fire Education Intervention referrals.',
    port: opts.port ?? portFromEnv('FIRE_PORT', 3002),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
  });
}
