import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '../../../libs/messaging/src';
import { PlatformModule } from '../../../libs/platform/src';
import { DomesticIncidentsController } from './domestic-incidents/domestic-incidents.controller';
import { DomesticIncidentsService } from './domestic-incidents/domestic-incidents.service';

@Module({})
export class PoliceModule {
  static register(deps: { dataSource: DataSource; relay: OutboxRelay }): DynamicModule {
    return {
      module: PoliceModule,
      imports: [
        PlatformModule.register({
          dataSource: deps.dataSource,
          probes: [{ name: 'outbox-relay', check: async () => ({ breaker: deps.relay.breakerState }) }],
          onShutdown: [() => deps.relay.stop()],
        }),
      ],
      controllers: [DomesticIncidentsController],
      providers: [{ provide: DataSource, useValue: deps.dataSource }, { provide: OutboxRelay, useValue: deps.relay }, DomesticIncidentsService],
    };
  }
}
