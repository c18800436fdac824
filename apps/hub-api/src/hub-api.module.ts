import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PolicyDecisionPoint } from '../../../libs/isa/src';
import { OutboxRelay } from '../../../libs/messaging/src';
import { PlatformModule } from '../../../libs/platform/src';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { DemoTokenController } from './auth/demo-token.controller';
import { TokenService } from './auth/tokens';
import { MaracReferralsController } from './marac/marac-referrals.controller';
import { MaracReferralsReader } from './marac/marac-referrals.reader';
import { IdentityController } from './identity/identity.controller';
import { SubjectsController } from './subjects/subjects.controller';
import { SubjectsReader } from './subjects/subjects.reader';

@Module({})
export class HubApiModule {
  static register(deps: { dataSource: DataSource; relay: OutboxRelay; tokens: TokenService; policy: PolicyDecisionPoint }): DynamicModule {
    return {
      module: HubApiModule,
      imports: [
        PlatformModule.register({
          dataSource: deps.dataSource,
          probes: [{ name: 'outbox-relay', check: async () => ({ breaker: deps.relay.breakerState }) }],
          onShutdown: [() => deps.relay.stop()],
        }),
      ],
      controllers: [DemoTokenController, MaracReferralsController, SubjectsController, IdentityController],
      providers: [
        { provide: DataSource, useValue: deps.dataSource },
        { provide: TokenService, useValue: deps.tokens },
        { provide: OutboxRelay, useValue: deps.relay },
        { provide: PolicyDecisionPoint, useValue: deps.policy },
        AuditService,
        MaracReferralsReader,
        SubjectsReader,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
