import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorShapeFilter } from './bad-input';
import { HubLogger } from './logger';
import { httpRequests } from './metrics';

export interface HttpServiceOptions {
  service: string;
  title: string;
  description: string;
  port: number;
  bearerAuth?: boolean;
}

/**
 * Starts one service's HTTP side the same way everywhere: structured logs, the public
 * error shape, a 1 MB body limit, OpenAPI at /api/docs (JSON at /api/docs-json),
 * request metrics. Shutdown is the caller's (runService).
 */
export async function startHttpService(module: unknown, options: HttpServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    logger: new HubLogger(options.service),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalFilters(new ErrorShapeFilter());
  app.use((req: { method: string; route?: { path?: string }; path: string }, res: { statusCode: number; on: (e: string, f: () => void) => void }, next: () => void) => {
    res.on('finish', () => httpRequests.labels(options.service, req.method, req.route?.path ?? 'unmatched', String(res.statusCode)).inc());
    next();
  });
  const config = new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1.0');
  if (options.bearerAuth) config.addBearerAuth().addGlobalParameters({ name: 'X-Purpose', in: 'header', required: false, description: 'ISA purpose id, e.g. marac.risk-management' });
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config.build()));
  await app.listen(options.port, process.env.HOST ?? '127.0.0.1');
  new HubLogger(options.service).log('listening', { url: `http://127.0.0.1:${options.port}`, docs: `http://127.0.0.1:${options.port}/api/docs` });
  return app;
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw ? Number(raw) : fallback;
}
