import { INestApplication } from '@nestjs/common';
import { startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';

/** Youth Justice Services edge: referrals and case openings, closures, out-of-court disposal decisions, first-time entrants. */
export function startYouthJustice(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'youth-justice',
    title: 'safer-hub youth justice edge',
    description: 'Hartlepool, Stockton and South Tees Youth Justice Services records into the hub: referrals, case closures, out-of-court disposal decisions and first-time entrants.',
    port: opts.port ?? portFromEnv('YOUTH_JUSTICE_PORT', 3005),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
  });
}
