import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, RECORD_KINDS } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';
import { RecordsService } from './records.service';

/** Every agency record event, whichever agency and kind: one consolidation path. */
@Controller()
export class AgencyRecordsHandler {
  constructor(private readonly records: RecordsService) {}

  @EventPattern(RECORD_KINDS.map((k) => k.eventType))
  async onRecords(@Payload() events: CloudEvent[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.records.apply(events, ctx.manager);
  }
}
