import { INestApplication } from '@nestjs/common';
import { agencyEdgeInit, startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';
import { custodyInbox } from './inbox/custody-inbox';
import { Clock } from './inbox/custody-inbox.service';
import { YouthJusticeInbox1764000000000 } from './migrations/1764000000000-youth-justice-inbox';

export const YOUTH_JUSTICE_SCHEMA = 'youth_justice';
/** The first is the edge's generic init, which existing databases ran under that name: keep it first, as it is. */
export const YOUTH_JUSTICE_MIGRATIONS = [agencyEdgeInit(YOUTH_JUSTICE_SCHEMA, 1763900000000), YouthJusticeInbox1764000000000];

/**
 * Youth Justice Services edge: referrals and case openings, closures, out-of-court disposal
 * decisions, first-time entrants; and the custody inbox, where each team receives, acknowledges
 * (or has escalated) the hub's notifications of children in custody.
 */
export function startYouthJustice(opts: { transport?: Transport; databaseUrl?: string; port?: number; now?: Clock } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'youth-justice',
    title: 'safer-hub youth justice edge',
    description:
      'Hartlepool, Stockton and South Tees Youth Justice Services records into the hub: referrals, case closures, out-of-court disposal decisions and first-time entrants. ' +
      'The custody inbox (`GET /notifications`, `POST /notifications/{id}/acknowledge`, bearer token of a YJS officer or manager) holds refs only: ' +
      'the child’s details are read from hub-api under the agreement, audited.',
    port: opts.port ?? portFromEnv('YOUTH_JUSTICE_PORT', 3005),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
    migrations: YOUTH_JUSTICE_MIGRATIONS,
    extend: custodyInbox({ now: opts.now }),
  });
}
