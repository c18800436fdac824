import { Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CHILD_BASES, CUSTODY_OUTCOMES, FieldFault, InboxActorDto, YJS_TEAMS } from '../../../../libs/contracts/src';
import { badRequest, ErrorBody, requireUuid } from '../../../../libs/platform/src';
import { CustodyInboxService, INBOX_FILTERS, InboxFilter, InboxNotification } from './custody-inbox.service';
import { InboxAuthGuard, InboxRequest } from './inbox-auth.guard';

class InboxAcknowledgementDto {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: InboxActorDto })
  by: InboxActorDto;
}

class InboxReleaseDto {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ enum: CUSTODY_OUTCOMES })
  outcome: string;
}

/** The OpenAPI shape of InboxNotification. */
class InboxNotificationDto implements InboxNotification {
  @ApiProperty({ format: 'uuid', description: 'the notification id' })
  id: string;

  @ApiProperty({ example: 'MB-C-778', description: 'the police custody record' })
  custodyRef: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the child' })
  subjectId: string;

  @ApiProperty({ enum: YJS_TEAMS })
  team: (typeof YJS_TEAMS)[number];

  @ApiProperty({ format: 'date-time', description: 'arrival in custody' })
  arrivedAt: string;

  @ApiProperty({ enum: CHILD_BASES })
  childBasis: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'null when the child only appears under 18' })
  ageAtArrival: number | null;

  @ApiProperty()
  appropriateAdultRequired: boolean;

  @ApiProperty({ format: 'date-time', description: 'when the notification reached this inbox' })
  receivedAt: string;

  @ApiProperty({ type: InboxAcknowledgementDto, nullable: true, description: 'the first acknowledgement: who and when' })
  acknowledged: InboxAcknowledgementDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it went to the team’s managers, unacknowledged' })
  escalatedAt: string | null;

  @ApiProperty({ type: InboxReleaseDto, nullable: true, description: 'how the child left custody (release, charge, transfer)' })
  released: InboxReleaseDto | null;

  @ApiProperty({ example: 'http://127.0.0.1:3000/api/custody/notifications/0b7e…', description: 'hub-api’s view of the child’s details, under the agreement, audited' })
  details: string;
}

const ERROR_SHAPE = '`{"error", "fields": [{"path", "reason"}]}`';

/**
 * The Cleveland YJS teams' custody inbox (issue 6). It holds refs only: the child's name,
 * date of birth and address stay in hub-api, which releases them at `details` under the
 * agreement's custody purpose and audits each read.
 */
@ApiTags('custody inbox')
@ApiBearerAuth()
@UseGuards(InboxAuthGuard)
@ApiUnauthorizedResponse({ description: `no bearer token, or one the hub did not sign; ${ERROR_SHAPE}` })
@ApiForbiddenResponse({ description: 'not a YJS officer or manager, or the token names no YJS team' })
@Controller('notifications')
export class CustodyInboxController {
  constructor(private readonly inbox: CustodyInboxService) {}

  @Get()
  @ApiOperation({
    summary: 'the team’s custody notifications, newest arrival first',
    description:
      'Children of this team’s area who entered police custody. Refs and hub ids only: read the child’s details from hub-api at `details` ' +
      '(under the custody purpose of the agreement, audited). The team comes from the token’s `team` claim. Managers follow `status=escalated`.',
  })
  @ApiQuery({ name: 'status', required: false, enum: INBOX_FILTERS, description: 'default all' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' })
  @ApiOkResponse({ type: InboxNotificationDto, isArray: true })
  @ApiBadRequestResponse({ description: `${ERROR_SHAPE} naming status and/or limit` })
  async list(@Req() req: InboxRequest, @Query('status') status: unknown = 'all', @Query('limit') limit: unknown = '200'): Promise<InboxNotification[]> {
    const faults: FieldFault[] = [];
    if (typeof status !== 'string' || !(INBOX_FILTERS as readonly string[]).includes(status)) faults.push({ path: 'status', reason: `one of ${INBOX_FILTERS.join(', ')}` });
    const n = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= 1000)) faults.push({ path: 'limit', reason: 'a whole number from 1 to 1000' });
    if (faults.length > 0) throw badRequest('bad query', faults);
    return this.inbox.list(req.user.team, status as InboxFilter, n);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'acknowledge a notification for the team',
    description: 'The first acknowledgement records who and when (from the token) and tells the hub; acknowledging again changes nothing and returns the first. Officers and managers of the team may acknowledge.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: InboxNotificationDto, description: 'the notification, acknowledged' })
  @ApiBadRequestResponse({ description: `${ERROR_SHAPE}: the id is not a UUID` })
  @ApiNotFoundResponse({ description: 'no such notification' })
  async acknowledge(@Req() req: InboxRequest, @Param('id') id: string): Promise<InboxNotification> {
    const outcome = await this.inbox.acknowledge(requireUuid(id, 'id', 'notification id'), req.user);
    switch (outcome.status) {
      case 'unknown':
        throw new NotFoundException({ error: `no custody notification ${id}`, fields: [] } satisfies ErrorBody);
      case 'other-team':
        throw new ForbiddenException(`the notification is for another team, not ${req.user.team}`);
      default:
        return outcome.notification;
    }
  }
}
