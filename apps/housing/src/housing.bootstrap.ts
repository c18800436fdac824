import { INestApplication } from '@nestjs/common';
import { portFromEnv, startHealthOnlyService } from '../../../libs/platform/src';

/** Housing edge: landlord ASB reports, enforcement, DA disclosures. Not built yet: health, metrics and OpenAPI only. */
export function startHousing(opts: { port?: number } = {}): Promise<INestApplication> {
  return startHealthOnlyService('housing', 'Housing edge: landlord ASB reports, enforcement, DA disclosures.', opts.port ?? portFromEnv('HOUSING_PORT', 3003));
}
