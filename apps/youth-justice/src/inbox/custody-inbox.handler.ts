import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, CustodyNotificationRaisedData, CustodyNotificationUpdatedData, EventTypes } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';
import { CustodyInboxService } from './custody-inbox.service';

/** The inbox's side of consolidation.custody-notifications.v1, in the batch's transaction (dedupe and DLQ in the consumer). */
@Controller()
export class CustodyInboxHandler {
  constructor(private readonly inbox: CustodyInboxService) {}

  @EventPattern(EventTypes.CustodyNotificationRaised)
  async onRaised(@Payload() events: CloudEvent<CustodyNotificationRaisedData>[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.inbox.receive(events, ctx.manager);
  }

  @EventPattern(EventTypes.CustodyNotificationUpdated)
  async onUpdated(@Payload() events: CloudEvent<CustodyNotificationUpdatedData>[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.inbox.update(events, ctx.manager);
  }
}
