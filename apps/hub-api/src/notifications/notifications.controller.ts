import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { HUB_ROLES } from '../../../../libs/isa/src';
import { badRequest } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { DeliveredNotification, NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The reader's notifications for the stated purpose (addressed to one of their roles, and
   * to their team where one is named), newest first, each record cut for this reader now.
   * One audit row per notification delivered, naming what was released.
   */
  @Get()
  @Access({ roles: HUB_ROLES, purposes: ['*'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' })
  @ApiOkResponse({ description: '`[{id, kind, purpose, subjectId, createdAt, records: [{agency, kind, clause, tier, record?}], withheld}]`' })
  async list(@Req() req: AuthedRequest, @Query('limit') limit = '200'): Promise<DeliveredNotification[]> {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw badRequest('bad query', [{ path: 'limit', reason: 'a whole number from 1 to 1000' }]);
    const { notifications, releases } = await this.notifications.deliver(req.user, req.purpose, n);
    await this.audit.record(
      notifications.map((x, i) => {
        const { release } = releases[i];
        // an overdue-action notice carries the action, not records about the person
        const nothing = release.released().length === 0 && !x.action;
        return {
          user: req.user, purpose: req.purpose, action: `notifications.deliver ${x.kind}`, subjectIds: x.subjectId ? [x.subjectId] : [],
          decision: nothing ? ('denied' as const) : release.redacted ? ('partly-redacted' as const) : ('allowed' as const),
          ...(nothing ? { reason: 'no record of this notification is shared with this reader for this purpose' } : {}),
          agreement: release.agreement, released: release.released(),
        };
      }),
    );
    return notifications;
  }
}
