import { INestApplication } from '@nestjs/common';
import { portFromEnv, startHealthOnlyService } from '../../../libs/platform/src';

/** Drug and alcohol treatment (START) edge: referrals, episodes, drug tests on arrest. Not built yet: health, metrics and OpenAPI only. */
export function startTreatment(opts: { port?: number } = {}): Promise<INestApplication> {
  return startHealthOnlyService('treatment', 'Drug and alcohol treatment (START) edge: referrals, episodes, drug tests on arrest.', opts.port ?? portFromEnv('TREATMENT_PORT', 3004));
}
