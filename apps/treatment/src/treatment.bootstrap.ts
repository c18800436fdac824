import { INestApplication } from '@nestjs/common';
import { startAgencyEdge } from '../../../libs/edge/src';
import { Transport } from '../../../libs/messaging/src';
import { portFromEnv } from '../../../libs/platform/src';

/** Drug and alcohol treatment (START) edge: referrals, episodes, drug tests on arrest, continuity of care. */
export function startTreatment(opts: { transport?: Transport; databaseUrl?: string; port?: number } = {}): Promise<INestApplication> {
  return startAgencyEdge({
    agency: 'treatment',
    title: 'safer-hub treatment edge',
    description:
      'START drug and alcohol treatment records into the hub: referrals, episode starts and exits, drug tests on arrest and continuity of care from prison. No substance, diagnosis or clinical detail (Caldicott), the drug test on arrest result apart.',
    port: opts.port ?? portFromEnv('TREATMENT_PORT', 3004),
    transport: opts.transport,
    databaseUrl: opts.databaseUrl,
  });
}
