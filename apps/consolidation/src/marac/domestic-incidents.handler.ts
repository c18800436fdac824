import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, DomesticIncidentDto, EventTypes } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';
import { VictimHistoryService } from './victim-history.service';

@Controller()
export class DomesticIncidentsHandler {
  constructor(private readonly victims: VictimHistoryService) {}

  @EventPattern(EventTypes.DomesticIncidentRecorded)
  async onRecorded(@Payload() events: CloudEvent<DomesticIncidentDto>[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.victims.apply(events, ctx.manager);
  }
}
