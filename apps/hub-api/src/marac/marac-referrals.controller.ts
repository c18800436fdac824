import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { badRequest } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { MaracReferralView, MaracReferralsReader, REFERRAL_STATUSES } from './marac-referrals.reader';

@ApiTags('marac')
@ApiBearerAuth()
@Controller('api/marac/referrals')
export class MaracReferralsController {
  constructor(
    private readonly referrals: MaracReferralsReader,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Access({ roles: ['marac-coordinator'], purposes: ['marac.risk-management'] })
  @ApiQuery({ name: 'status', required: false, enum: REFERRAL_STATUSES })
  @ApiQuery({ name: 'subjectId', required: false })
  @ApiOkResponse({ description: 'newest first: `[{"id", "subjectId", "victim", "criterion", "repeat", "incidentRefs", "createdAt", "status"}]`' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  async list(@Req() req: AuthedRequest, @Query('status') status?: string, @Query('subjectId') subjectId?: string): Promise<MaracReferralView[]> {
    if (status !== undefined && !(REFERRAL_STATUSES as readonly string[]).includes(status)) {
      throw badRequest('bad query', [{ path: 'status', reason: `one of ${REFERRAL_STATUSES.join(', ')}` }]);
    }
    if (subjectId !== undefined && !/^[0-9a-f-]{36}$/i.test(subjectId)) throw badRequest('bad query', [{ path: 'subjectId', reason: 'must be a UUID' }]);
    const rows = await this.referrals.list({ status, subjectId });
    await this.audit.record({
      user: req.user,
      purpose: req.purpose,
      action: 'marac.referrals.list',
      decision: 'allowed',
      subjectIds: [...new Set(rows.map((r) => r.subjectId))],
    });
    return rows;
  }
}
