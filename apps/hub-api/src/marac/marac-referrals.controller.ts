import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, UnprocessableEntityException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiQuery, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { consentPermits, ConsentStatus, PolicyDecisionPoint, purposeOf, ReleasesBySubject } from '../../../../libs/isa/src';
import { badRequest, requireUuid, validOrThrow } from '../../../../libs/platform/src';
import { ConsentStore } from '../consent/consent.store';
import { SubjectsReader } from '../subjects/subjects.reader';
import { MARAC_QUEUE } from './marac-queue';
import { Restrictions } from '../subject-rights/restrictions';
import { AuditService, perSubject } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { MaracReferralView, MaracReferralsReader, REFERRAL_STATUSES } from './marac-referrals.reader';

export class ManualReferralDto {
  @ApiProperty({ format: 'uuid', description: 'the victim, as a hub subject (from the subject view or a search)' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ example: 'Victim disclosed strangulation at the home visit; 8 ticks but escalating', description: 'the professional judgement: why MARAC' })
  @IsString() @IsNotEmpty() @MaxLength(4000)
  reason: string;
}

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
    private readonly dataSource: DataSource,
    private readonly subjects: SubjectsReader,
    private readonly consent: ConsentStore,
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
    const releases = new ReleasesBySubject(this.policy, { roles: req.user.roles, purpose: req.purpose });
    const listed = await this.referrals.list({ status, subjectId, ...page }, (id) => releases.for(id));
    // A restricted subject is kept but shown to no one (UK GDPR Art 18).
    const restricted = await this.restrictions.restricted([...new Set(listed.map((r) => r.subjectId))]);
    const rows = listed.filter((r) => !restricted.has(r.subjectId));
    // One audit row per subject listed, naming what of its victim was released.
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'marac.referrals.list' }, releases.entries(rows.map((r) => r.subjectId))));
    return rows;
  }

  /**
   * One referral, as in the list: the web app's referral page reads just this one, so the
   * audit names one victim rather than everyone on a page of the queue.
   */
  @Get(':id')
  @Access({ roles: ['marac-coordinator'], purposes: ['marac.risk-management'] })
  @ApiOkResponse({ description: 'the referral as a list row: `{"id", "subjectId", "victim", "criterion", "repeat", "incidentRefs", "createdAt", "status", ...}`' })
  @ApiNotFoundResponse({ description: 'no such referral, or its victim is restricted' })
  async one(@Req() req: AuthedRequest, @Param('id') id: string): Promise<MaracReferralView> {
    requireUuid(id, 'id', 'referral id');
    const releases = new ReleasesBySubject(this.policy, { roles: req.user.roles, purpose: req.purpose });
    const [found] = await this.referrals.list({ id, limit: 1, offset: 0 }, (subjectId) => releases.for(subjectId));
    if (!found || (await this.restrictions.restricted([found.subjectId])).has(found.subjectId)) throw new NotFoundException(`no MARAC referral ${id}`);
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'marac.referral.read' }, releases.entries([found.subjectId])));
    return found;
  }

  /**
   * A referral on professional judgement, by any agency's MARAC representative: the reason,
   * and the victim's consent as recorded for MARAC (`POST /api/subjects/{id}/consent`). Where
   * the victim refused, it goes ahead only once a decision maker has recorded an override for
   * one of the agreement's reasons (`.../consent/overrides`): the referral shows both.
   * Within 12 months of the victim's last referral it is a repeat.
   */
  @Post()
  @Access({ roles: ['marac-coordinator', 'marac-member'], purposes: ['marac.risk-management'] })
  @ApiBody({ type: ManualReferralDto })
  @ApiCreatedResponse({ description: '`{id, repeat, consent}`' })
  @ApiUnprocessableEntityResponse({ description: 'the victim refused consent and no override is recorded' })
  async refer(@Req() req: AuthedRequest, @Body() body: unknown): Promise<{ id: string; repeat: boolean; consent: ConsentStatus & { permitted: boolean } }> {
    const dto = validOrThrow(ManualReferralDto, body);
    const subjectId = await this.subjects.currentId(dto.subjectId);
    if (!subjectId) throw new NotFoundException(`no subject ${dto.subjectId}`);
    const persons: { agency: string; person_ref: string }[] = await this.dataSource.query(
      `SELECT agency, person_ref FROM consolidation.persons WHERE subject_id = $1 ORDER BY (agency = $2) DESC, linked_at DESC`,
      [subjectId, req.user.agency],
    );
    if (persons.length === 0) throw new NotFoundException(`subject ${subjectId} has no agency record left`);
    const purpose = purposeOf(this.policy.current(), req.purpose)!;
    const status = await this.consent.status(subjectId, req.purpose);
    const permits = consentPermits(purpose, status);
    if (!permits.permitted) {
      throw new UnprocessableEntityException({ error: `${permits.reason}: record an override (POST /api/subjects/${subjectId}/consent/overrides) before referring`, fields: [] });
    }
    const id = randomUUID();
    // the victim as the referring agency knows them, or else as last linked
    const victim = persons[0];
    const repeat = await this.dataSource.transaction(async (m) => {
      const [{ recent }] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM ${MARAC_QUEUE} q LEFT JOIN hub.marac_screenings s ON s.referral_id = q.id
          WHERE q.subject_id = $1 AND q.triggered_at >= now() - interval '12 months' AND COALESCE(s.decision, q.raised_status) NOT IN ('rejected', 'merged', 'withdrawn')) AS recent`,
        [subjectId],
      );
      await m.query(
        `INSERT INTO hub.marac_manual_referrals (id, subject_id, victim_agency, victim_ref, reason, referring_agency, referred_by, repeat) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, subjectId, victim.agency, victim.person_ref, dto.reason, req.user.agency, req.user.sub, recent],
      );
      await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.referral.made', decision: 'allowed', subjectIds: [subjectId], reason: dto.reason }, m);
      return recent as boolean;
    });
    return { id, repeat, consent: { ...status, permitted: true } };
  }
}
