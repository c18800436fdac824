import { INestApplication, Module } from '@nestjs/common';
import { PlatformModule } from './health';
import { startHttpService } from './http-service';

/** An agency edge that has no records yet: health, metrics and OpenAPI only. */
export async function startHealthOnlyService(service: string, description: string, port: number): Promise<INestApplication> {
  @Module({ imports: [PlatformModule.register({})] })
  class HealthOnlyModule {}
  return startHttpService(HealthOnlyModule, { service, title: `safer-hub ${service} edge`, description, port });
}
