import { INestApplication } from '@nestjs/common';
import { portFromEnv, startHealthOnlyService } from '../../../libs/platform/src';

/** Cleveland Fire Brigade edge: deliberate fires and fire-setter referrals. Not built yet: health, metrics and OpenAPI only. */
export function startFire(opts: { port?: number } = {}): Promise<INestApplication> {
  return startHealthOnlyService('fire', 'Cleveland Fire Brigade edge: deliberate fires and fire-setter referrals.', opts.port ?? portFromEnv('FIRE_PORT', 3002));
}
