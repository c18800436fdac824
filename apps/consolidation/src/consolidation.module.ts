import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '../../../libs/messaging/src';
import { PlatformModule } from '../../../libs/platform/src';
import { DomesticIncidentsHandler } from './marac/domestic-incidents.handler';
import { VictimHistoryService } from './marac/victim-history.service';

@Module({})
export class ConsolidationModule {
  static register(deps: { dataSource: DataSource; relay: OutboxRelay }): DynamicModule {
    return {
      module: ConsolidationModule,
      imports: [
        PlatformModule.register({
          dataSource: deps.dataSource,
          probes: [{ name: 'outbox-relay', check: async () => ({ breaker: deps.relay.breakerState }) }],
          onShutdown: [() => deps.relay.stop()],
        }),
      ],
      controllers: [DomesticIncidentsHandler],
      providers: [VictimHistoryService],
    };
  }
}
