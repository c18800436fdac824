import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PolicyDecisionPoint, Release } from '../../../../libs/isa/src';
import { badRequest } from '../../../../libs/platform/src';
import { Restrictions } from '../subject-rights/restrictions';
import { DA_SOURCES } from '../subjects/subjects.reader';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { MaracReferralView, MaracReferralsReader, REFERRAL_STATUSES } from './marac-referrals.reader';

const DEFAULT_PAGE = 200;
const MAX_PAGE = 1000;

@ApiTags('marac')
@ApiBearerAuth()
@Controller('api/marac/referrals')
export class MaracReferralsController {
  constructor(
    private readonly referrals: MaracReferralsReader,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
    private readonly restrictions: Restrictions,
  ) {}

  @Get()
  @Access({ roles: ['marac-coordinator'], purposes: ['marac.risk-management'] })
  @ApiQuery({ name: 'status', required: false, enum: REFERRAL_STATUSES })
  @ApiQuery({ name: 'subjectId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1–${MAX_PAGE} (default ${DEFAULT_PAGE})` })
  @ApiQuery({ name: 'offset', required: false, description: 'referrals to skip (default 0)' })
  @ApiOkResponse({ description: 'newest first, one page (`limit`, `offset`): `[{"id", "subjectId", "victim", "criterion", "repeat", "incidentRefs", "createdAt", "status"}]`' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  async list(
    @Req() req: AuthedRequest,
    @Query('status') status?: string,
    @Query('subjectId') subjectId?: string,
    @Query('limit') limit = String(DEFAULT_PAGE),
    @Query('offset') offset = '0',
  ): Promise<MaracReferralView[]> {
    const page = { limit: Number(limit), offset: Number(offset) };
    const faults = [
      ...(status === undefined || (REFERRAL_STATUSES as readonly string[]).includes(status) ? [] : [{ path: 'status', reason: `one of ${REFERRAL_STATUSES.join(', ')}` }]),
      ...(subjectId === undefined || /^[0-9a-f-]{36}$/i.test(subjectId) ? [] : [{ path: 'subjectId', reason: 'must be a UUID' }]),
      ...(Number.isInteger(page.limit) && page.limit >= 1 && page.limit <= MAX_PAGE ? [] : [{ path: 'limit', reason: `a whole number from 1 to ${MAX_PAGE}` }]),
      ...(Number.isInteger(page.offset) && page.offset >= 0 ? [] : [{ path: 'offset', reason: 'a whole number from 0' }]),
    ];
    if (faults.length > 0) throw badRequest('bad query', faults);
    const listed = await this.referrals.list({ status, subjectId, ...page }, new Release(this.policy, { roles: req.user.roles, purpose: req.purpose }));
    // A restricted subject is kept but shown to no one (UK GDPR Art 18).
    const restricted = await this.restrictions.restricted([...new Set(listed.map((r) => r.subjectId))]);
    const rows = listed.filter((r) => !restricted.has(r.subjectId));
    // One audit row per subject listed, each naming what of its victim was released.
    const subjects = [...new Set(rows.map((r) => r.subjectId))];
    await this.audit.record(
      subjects.map((id) => {
        const release = new Release(this.policy, { roles: req.user.roles, purpose: req.purpose });
        for (const r of rows.filter((x) => x.subjectId === id)) release.of(DA_SOURCES[r.victim.agency], { victim: r.victim });
        return { user: req.user, purpose: req.purpose, action: 'marac.referrals.list', decision: 'partly-redacted' as const, subjectIds: [id], agreement: release.agreement, released: release.released() };
      }),
    );
    return rows;
  }
}
