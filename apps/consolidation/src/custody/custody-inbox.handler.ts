import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, CustodyNotificationStatusData, INBOX_STATUS_EVENTS } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';

/**
 * What the YJS inbox reports back (delivered, acknowledged, escalated) goes onto the
 * custody notification, so the navigators' board in hub-api shows it. The first report of
 * each kind wins: a replayed or late duplicate does not move a time.
 */
@Controller()
export class CustodyInboxHandler {
  @EventPattern(Object.values(INBOX_STATUS_EVENTS))
  async onStatus(@Payload() events: CloudEvent<CustodyNotificationStatusData>[], @Ctx() ctx: HubEventContext): Promise<void> {
    for (const { data } of events) {
      await ctx.manager.query(
        `UPDATE consolidation.custody_notifications SET
           delivered_at = CASE WHEN $2 = 'delivered' THEN coalesce(delivered_at, $3::timestamptz) ELSE delivered_at END,
           acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN coalesce(acknowledged_at, $3::timestamptz) ELSE acknowledged_at END,
           acknowledged_by = CASE WHEN $2 = 'acknowledged' THEN coalesce(acknowledged_by, $4::jsonb) ELSE acknowledged_by END,
           escalated_at = CASE WHEN $2 = 'escalated' THEN coalesce(escalated_at, $3::timestamptz) ELSE escalated_at END
         WHERE id = $1`,
        [data.notificationId, data.status, data.at, data.by ? JSON.stringify(data.by) : null],
      );
    }
  }
}
