import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, Response } from 'express';
import { ErrorBody, ErrorShapeFilter } from './bad-input';
import { HubLogger } from './logger';
import { httpRequests } from './metrics';

const BODY_LIMIT = '1mb';

export interface HttpServiceOptions {
  service: string;
  title: string;
  description: string;
  port: number;
  bearerAuth?: boolean;
  /** hub-api's routes also take the ISA purpose in `X-Purpose` */
  purposeHeader?: boolean;
  /** the service's own additions before it listens (hub-api serves the web app) */
  configure?: (app: NestExpressApplication) => void;
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
  // Body-parser errors answered here, in the public shape, before Nest turns them into raw messages.
  const parseJson = json({ limit: BODY_LIMIT });
  app.use((req: Request, res: Response, next: NextFunction) =>
    parseJson(req, res, (error?: { type?: string; status?: number }) => {
      if (!error) return next();
      const tooLarge = error.type === 'entity.too.large';
      res.status(tooLarge ? 413 : (error.status ?? 400)).json({
        error: tooLarge ? `the body is larger than ${BODY_LIMIT}` : error.type === 'entity.parse.failed' ? 'the body is not valid JSON' : 'the body could not be read',
        fields: [],
      } satisfies ErrorBody);
    }),
  );
  app.useGlobalFilters(new ErrorShapeFilter());
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => httpRequests.labels(options.service, req.method, req.route?.path ?? 'unmatched', String(res.statusCode)).inc());
    next();
  });
  const config = new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1.0');
  if (options.bearerAuth) config.addBearerAuth();
  if (options.purposeHeader) config.addGlobalParameters({ name: 'X-Purpose', in: 'header', required: false, description: 'ISA purpose id, e.g. marac.risk-management' });
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config.build()));
  options.configure?.(app);
  await app.listen(options.port, process.env.HOST ?? '127.0.0.1');
  new HubLogger(options.service).log('listening', { url: `http://127.0.0.1:${options.port}`, docs: `http://127.0.0.1:${options.port}/api/docs` });
  return app;
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw ? Number(raw) : fallback;
}
