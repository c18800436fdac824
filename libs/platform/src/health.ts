import { Controller, DynamicModule, Get, Header, Inject, Injectable, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { registry } from './metrics';

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');

/** A named check for /health, e.g. the outbox relay's breaker. */
export interface HealthProbe {
  name: string;
  check(): Promise<Record<string, unknown>>;
}

@ApiExcludeController()
@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(HEALTH_PROBES) private readonly probes: HealthProbe[] = [],
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    const checks = [];
    if (this.dataSource) {
      const dataSource = this.dataSource;
      checks.push(async () => {
        const indicator = this.indicators.check('database');
        try {
          await dataSource.query('SELECT 1');
          return indicator.up();
        } catch (error) {
          return indicator.down({ error: error instanceof Error ? error.message : String(error) });
        }
      });
    }
    for (const probe of this.probes ?? []) {
      checks.push(async () => {
        const indicator = this.indicators.check(probe.name);
        try {
          return indicator.up(await probe.check());
        } catch (error) {
          return indicator.down({ error: error instanceof Error ? error.message : String(error) });
        }
      });
    }
    return this.health.check(checks);
  }

  @Get('metrics')
  @Header('Content-Type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}

export const SHUTDOWN_STEPS = Symbol('SHUTDOWN_STEPS');

/**
 * Runs the service's own shutdown steps (stop the outbox relay, close the pool) when
 * Nest closes the app, after the HTTP server and the event consumers have stopped.
 */
@Injectable()
class ShutdownSteps implements OnApplicationShutdown {
  constructor(@Inject(SHUTDOWN_STEPS) private readonly steps: (() => Promise<void>)[]) {}

  async onApplicationShutdown(): Promise<void> {
    for (const step of this.steps) await step();
  }
}

/**
 * `GET /health` (terminus) and `GET /metrics` (Prometheus text) for every service, and its
 * shutdown steps; the data source, if any, is closed last.
 */
@Module({})
export class PlatformModule {
  static register(options: { dataSource?: DataSource; probes?: HealthProbe[]; onShutdown?: (() => Promise<void>)[] }): DynamicModule {
    const steps = [...(options.onShutdown ?? [])];
    const dataSource = options.dataSource;
    if (dataSource) steps.push(async () => void (dataSource.isInitialized && (await dataSource.destroy())));
    return {
      module: PlatformModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        ...(options.dataSource ? [{ provide: DataSource, useValue: options.dataSource }] : []),
        { provide: HEALTH_PROBES, useValue: options.probes ?? [] },
        { provide: SHUTDOWN_STEPS, useValue: steps },
        ShutdownSteps,
      ],
      exports: options.dataSource ? [DataSource] : [],
    };
  }
}
