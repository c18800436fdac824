import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PlatformModule } from '../../../libs/platform/src';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { DemoTokenController } from './auth/demo-token.controller';
import { TokenService } from './auth/tokens';
import { MaracReferralsController } from './marac/marac-referrals.controller';
import { MaracReferralsReader } from './marac/marac-referrals.reader';

@Module({})
export class HubApiModule {
  static register(deps: { dataSource: DataSource; tokens: TokenService }): DynamicModule {
    return {
      module: HubApiModule,
      imports: [PlatformModule.register({ dataSource: deps.dataSource })],
      controllers: [DemoTokenController, MaracReferralsController],
      providers: [
        { provide: DataSource, useValue: deps.dataSource },
        { provide: TokenService, useValue: deps.tokens },
        AuditService,
        MaracReferralsReader,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
