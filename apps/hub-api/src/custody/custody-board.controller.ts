import { Body, Controller, Get, HttpCode, NotFoundException, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { createHash } from 'node:crypto';
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
  @ApiOkResponse({ description: '`{at, summary: {inCustody, awaitingAcknowledgement, escalated, outOfArea, needsPlacement}, episodes: [...]}`, with an `ETag`' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'the ETag of the board this reader last had: 304 if nothing on it changed but the minutes held' })
  @ApiResponse({ status: 304, description: 'nothing changed since that ETag: nothing released, so nothing audited' })
  async list(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response, @Query('recentHours') recentHours = '24') {
    const hours = Number(recentHours);
    if (!Number.isInteger(hours) || hours < 0 || hours > 168) throw badRequest('bad query', [{ path: 'recentHours', reason: 'a whole number of hours from 0 to 168' }]);
    const now = new Date();
    const { episodes, releases } = await this.board.board(req.user, req.purpose, hours, now);
    const open = (e: CustodyEpisode) => e.route === 'yjs' && !e.notification.acknowledgedAt;
    const summary = {
      inCustody: episodes.filter((e) => e.inCustody).length,
      awaitingAcknowledgement: episodes.filter(open).length,
      escalated: episodes.filter((e) => open(e) && e.notification.escalatedAt).length,
      outOfArea: episodes.filter((e) => e.route === 'out-of-area').length,
      needsPlacement: episodes.filter((e) => e.route === 'needs-placement').length,
    };
    // The web board asks every few seconds. What it shows changes when a child arrives or
    // leaves, or a notification moves on, not as minutes pass (it ticks time held itself):
    // an unchanged board is a 304 that releases nothing, so it adds no audit rows.
    const etag = `"${createHash('sha256')
      .update(JSON.stringify([req.user.sub, req.purpose, hours, summary, episodes.map(({ heldMinutes: _held, ...rest }) => rest)]))
      .digest('base64url')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.status(304);
      return undefined;
    }
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'custody.board' }, releases));
    return { at: now.toISOString(), summary, episodes };
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
