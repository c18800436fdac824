import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AgreementWatch, PolicyDecisionPoint } from '../../../libs/isa/src';
import { OutboxRelay, Transport } from '../../../libs/messaging/src';
import { PlatformModule } from '../../../libs/platform/src';
import { AGREEMENT_WATCH, AgreementsController } from './agreements/agreements.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRetention } from './audit/audit-retention';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { ConsentController } from './consent/consent.controller';
import { ConsentStore } from './consent/consent.store';
import { DemoTokenController } from './auth/demo-token.controller';
import { TokenService } from './auth/tokens';
import { MaracReferralsController } from './marac/marac-referrals.controller';
import { MaracReferralsReader } from './marac/marac-referrals.reader';
import { loadMaracGroups } from './marac/marac-groups';
import { MaracMeetingsController } from './marac/marac-meetings.controller';
import { MaracScreeningService } from './marac/marac-screening.service';
import { MaracResearchService } from './marac/marac-research';
import { CasePackService } from './marac/case-pack';
import { MaracActionsService } from './marac/marac-actions';
import { MaracIndicatorsService } from './marac/marac-indicators';
import { ReadGate } from './subjects/read-gate';
import { IdentityController } from './identity/identity.controller';
import { AccessExportController } from './subject-rights/access-export.controller';
import { Restrictions } from './subject-rights/restrictions';
import { SubjectRightsController } from './subject-rights/subject-rights.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsService } from './notifications/notifications.service';
import { SubjectsController } from './subjects/subjects.controller';
import { SubjectsReader } from './subjects/subjects.reader';
import { EncompassController } from './encompass/encompass.controller';
import { ChildrenInCustodyController } from './custody/children-in-custody.controller';
import { CustodyBoardController } from './custody/custody-board.controller';
import { CustodyBoard } from './custody/custody-board';
import { IndicatorsController } from './analytics/indicators.controller';
import { IndicatorsService } from './analytics/indicators.service';
import { SubscriptionsController } from './analytics/subscriptions.controller';
import { HUB_TRANSPORT, SubscriptionsStore } from './analytics/subscriptions.store';
import { FeedPump } from './analytics/feed-pump';
import { WebhookDelivery } from './analytics/webhook-delivery';
import { AgencyGatewayController } from './agencies/agency-gateway.controller';
import { YjsInboxProxyController } from './agencies/yjs-inbox-proxy.controller';

@Module({})
export class HubApiModule {
  static register(deps: { dataSource: DataSource; relay: OutboxRelay; tokens: TokenService; policy: PolicyDecisionPoint; watch: AgreementWatch; maracGroups: ReturnType<typeof loadMaracGroups>; transport: Transport }): DynamicModule {
    return {
      module: HubApiModule,
      imports: [
        PlatformModule.register({
          dataSource: deps.dataSource,
          probes: [{ name: 'outbox-relay', check: async () => ({ breaker: deps.relay.breakerState }) }],
          onShutdown: [() => deps.relay.stop(), async () => deps.watch.stop()],
        }),
      ],
      controllers: [DemoTokenController, AgreementsController, AuditController, MaracReferralsController, SubjectsController, IdentityController, ConsentController, SubjectRightsController, AccessExportController, NotificationsController, MaracMeetingsController, CustodyBoardController, ChildrenInCustodyController, EncompassController, SubscriptionsController, IndicatorsController, YjsInboxProxyController, AgencyGatewayController],
      providers: [
        { provide: DataSource, useValue: deps.dataSource },
        { provide: TokenService, useValue: deps.tokens },
        { provide: OutboxRelay, useValue: deps.relay },
        { provide: HUB_TRANSPORT, useValue: deps.transport },
        { provide: PolicyDecisionPoint, useValue: deps.policy },
        { provide: AGREEMENT_WATCH, useValue: deps.watch },
        AuditService,
        AuditRetention,
        MaracReferralsReader,
        SubjectsReader,
        Restrictions,
        ReadGate,
        CasePackService,
        MaracActionsService,
        NotificationsService,
        CustodyBoard,
        SubscriptionsStore,
        FeedPump,
        WebhookDelivery,
        IndicatorsService,
        { provide: MaracScreeningService, useFactory: (ds: DataSource) => new MaracScreeningService(ds, deps.maracGroups), inject: [DataSource] },
        { provide: MaracIndicatorsService, useFactory: (ds: DataSource) => new MaracIndicatorsService(ds, deps.maracGroups), inject: [DataSource] },
        { provide: MaracResearchService, useFactory: (ds: DataSource) => new MaracResearchService(ds, deps.maracGroups), inject: [DataSource] },
        ConsentStore,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
