import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgreementWatch } from '../../../libs/isa/src';
import { OutboxRelay } from '../../../libs/messaging/src';
import { PlatformModule } from '../../../libs/platform/src';
import { IdentityService } from './identity/identity.service';
import { IdentityDecisionsHandler, LinkDecisionsService } from './identity/link-decisions.service';
import { VictimHistoryService } from './marac/victim-history.service';
import { ErasureHandler, ErasureService } from './privacy/erasure.service';
import { RetentionPolicy } from './privacy/retention-policy';
import { RetentionScheduler, RetentionService } from './privacy/retention.service';
import { AgencyRecordsHandler } from './records/agency-records.handler';
import { RecordsService } from './records/records.service';
import { RulesService } from './rules/rules.service';
import { CustodyService } from './custody/custody.service';
import { CustodyInboxHandler } from './custody/custody-inbox.handler';
import { SchoolNotificationsService } from './encompass/school-notifications.service';

@Module({})
export class ConsolidationModule {
  static register(deps: { dataSource: DataSource; relay: OutboxRelay; retention: RetentionPolicy; watch?: AgreementWatch }): DynamicModule {
    return {
      module: ConsolidationModule,
      imports: [
        PlatformModule.register({
          dataSource: deps.dataSource,
          probes: [{ name: 'outbox-relay', check: async () => ({ breaker: deps.relay.breakerState }) }],
          onShutdown: [() => deps.relay.stop(), async () => deps.watch?.stop()],
        }),
      ],
      controllers: [AgencyRecordsHandler, IdentityDecisionsHandler, ErasureHandler, CustodyInboxHandler],
      providers: [
        IdentityService, VictimHistoryService, RulesService, RecordsService, LinkDecisionsService, ErasureService, RetentionService, RetentionScheduler, CustodyService, SchoolNotificationsService,
        { provide: RetentionPolicy, useValue: deps.retention },
      ],
    };
  }
}
