import { Body, Controller, Get, HttpCode, NotFoundException, Param, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { badRequest, requireUuid } from '../../../../libs/platform/src';
import { AuditService, perSubject } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { APPROPRIATE_ADULT_STATUSES, AppropriateAdultStatus, CustodyBoard, CustodyEpisode } from './custody-board';

const CUSTODY_PURPOSE = 'custody.yjs-notification';

@ApiTags('custody')
@ApiBearerAuth()
@Controller('api/custody')
export class CustodyBoardController {
  constructor(
    private readonly board: CustodyBoard,
    private readonly audit: AuditService,
  ) {}

  /**
   * The navigators' board: children in custody now (and those who left in the last
   * `recentHours`), time held, appropriate adult, where the notification went and whether
   * the home YJS has it, acknowledged it, or it escalated; and what the consolidated view
   * may show under the custody purpose. A YJS manager sees their own team's children.
   */
  @Get('board')
  @Access({ roles: ['custody-navigator', 'yjs-manager'], purposes: [CUSTODY_PURPOSE] })
  @ApiQuery({ name: 'recentHours', required: false, description: 'also show children who left custody this many hours ago or less (0–168, default 24)' })
  @ApiOkResponse({ description: '`{at, summary: {inCustody, awaitingAcknowledgement, escalated, outOfArea, needsPlacement}, episodes: [...]}`' })
  async list(@Req() req: AuthedRequest, @Query('recentHours') recentHours = '24') {
    const hours = Number(recentHours);
    if (!Number.isInteger(hours) || hours < 0 || hours > 168) throw badRequest('bad query', [{ path: 'recentHours', reason: 'a whole number of hours from 0 to 168' }]);
    const now = new Date();
    const { episodes, releases } = await this.board.board(req.user, req.purpose, hours, now);
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'custody.board' }, releases));
    const open = (e: CustodyEpisode) => e.route === 'yjs' && !e.notification.acknowledgedAt;
    return {
      at: now.toISOString(),
      summary: {
        inCustody: episodes.filter((e) => e.inCustody).length,
        awaitingAcknowledgement: episodes.filter(open).length,
        escalated: episodes.filter((e) => open(e) && e.notification.escalatedAt).length,
        outOfArea: episodes.filter((e) => e.route === 'out-of-area').length,
        needsPlacement: episodes.filter((e) => e.route === 'needs-placement').length,
      },
      episodes,
    };
  }

  /** One notification with the child's details: the page a YJS inbox entry links to. */
  @Get('notifications/:id')
  @Access({ roles: ['custody-navigator', 'yjs-officer', 'yjs-manager'], purposes: [CUSTODY_PURPOSE] })
  @ApiOkResponse({ description: 'the custody episode as this reader may see it' })
  @ApiNotFoundResponse({ description: 'no such notification for this reader’s team' })
  async one(@Req() req: AuthedRequest, @Param('id') id: string): Promise<CustodyEpisode> {
    requireUuid(id, 'id', 'notification id');
    const found = await this.board.one(id, req.user, req.purpose);
    if (!found) throw new NotFoundException(`no custody notification ${id} for your team`);
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'custody.notification' }, found.releases));
    return found.episode;
  }

  /** The navigator records the appropriate adult: requested, present, acting themselves, or not required. */
  @Put('notifications/:id/appropriate-adult')
  @HttpCode(200)
  @Access({ roles: ['custody-navigator'], purposes: [CUSTODY_PURPOSE] })
  @ApiBody({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: [...APPROPRIATE_ADULT_STATUSES] } } } })
  @ApiOkResponse({ description: '`{notificationId, status}`' })
  async appropriateAdult(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: { status?: unknown }) {
    requireUuid(id, 'id', 'notification id');
    const status = body?.status;
    if (typeof status !== 'string' || !(APPROPRIATE_ADULT_STATUSES as readonly string[]).includes(status)) {
      throw badRequest('bad appropriate adult status', [{ path: 'status', reason: `one of ${APPROPRIATE_ADULT_STATUSES.join(', ')}` }]);
    }
    const subjectId = await this.board.setAppropriateAdult(id, status as AppropriateAdultStatus, req.user);
    if (!subjectId) throw new NotFoundException(`no custody notification ${id}`);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'custody.appropriate-adult', subjectIds: [subjectId], decision: 'allowed' });
    return { notificationId: id, status };
  }
}
