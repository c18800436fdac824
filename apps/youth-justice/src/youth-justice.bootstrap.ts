import { INestApplication } from '@nestjs/common';
import { portFromEnv, startHealthOnlyService } from '../../../libs/platform/src';

/** Youth Justice Services edge and inbox: custody notifications and acknowledgements. Not built yet: health, metrics and OpenAPI only. */
export function startYouthJustice(opts: { port?: number } = {}): Promise<INestApplication> {
  return startHealthOnlyService('youth-justice', 'Youth Justice Services edge and inbox: custody notifications and acknowledgements.', opts.port ?? portFromEnv('YOUTH_JUSTICE_PORT', 3005));
}
