import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { HUB_ROLES, PolicyDecisionPoint } from '../../../../libs/isa/src';
import { badRequest, requireUuid } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { Acknowledgement, DeliveredNotification, NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
  ) {}

  /**
   * The reader's notifications for the stated purpose (addressed to one of their roles, and
   * to their team where one is named), newest first, each record cut for this reader now.
   * One audit row per notification delivered, naming what was released.
   */
  @Get()
  @Access({ roles: HUB_ROLES, purposes: ['*'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' })
  @ApiOkResponse({ description: '`[{id, kind, purpose, subjectId, createdAt, dueBy?, acknowledgement: {at, by} | null, records: [{agency, kind, clause, tier, record?}], withheld}]`; an Encompass notification (kind `encompass`) carries the incident with only the school’s own child in `childrenPresent`' })
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

  /**
   * A recipient acknowledges a notification of any kind (a school's safeguarding lead an
   * Encompass notification, say): who and when are recorded once; acknowledging again
   * changes nothing and answers with the first acknowledgement. The reader must be among
   * its recipients exactly as delivery matches them (role, the purpose stated, team or
   * agency): any other notification is not found (404), whether or not it exists. Audited,
   * with the acknowledgement, in one transaction.
   */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @Access({ roles: HUB_ROLES, purposes: ['*'] })
  @ApiOkResponse({ description: '`{id, kind, subjectId, acknowledgement: {at, by: {sub, name}}, alreadyAcknowledged}`' })
  @ApiNotFoundResponse({ description: 'no notification with this id is addressed to this reader for this purpose' })
  async acknowledge(
    @Req() req: AuthedRequest,
    @Param('id') id: string,
  ): Promise<{ id: string; kind: string; subjectId: string | null; acknowledgement: Acknowledgement; alreadyAcknowledged: boolean }> {
    requireUuid(id, 'id', 'notification id');
    const decision = this.policy.purposeAllowed(req.user.roles, req.purpose);
    const agreement = decision.agreement && decision.version ? { id: decision.agreement, version: decision.version } : undefined;
    const done = await this.dataSource.transaction(async (m) => {
      const ack = await this.notifications.acknowledge(m, req.user, req.purpose, id);
      await this.audit.record(
        ack
          ? {
              user: req.user, purpose: req.purpose, action: `notifications.acknowledge ${ack.kind}`, decision: 'allowed', subjectIds: ack.subjectId ? [ack.subjectId] : [], agreement,
              ...(ack.changed ? {} : { reason: `already acknowledged by ${ack.acknowledgement.by.sub} at ${ack.acknowledgement.at}: nothing changed` }),
            }
          : { user: req.user, purpose: req.purpose, action: 'notifications.acknowledge', decision: 'denied', reason: 'no notification with this id is addressed to this reader for this purpose', agreement },
        m,
      );
      return ack;
    });
    if (!done) throw new NotFoundException(`no notification ${id} for you under ${req.purpose}`);
    return { id: done.id, kind: done.kind, subjectId: done.subjectId, acknowledgement: done.acknowledgement, alreadyAcknowledged: !done.changed };
  }
}
