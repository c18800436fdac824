import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiProduces, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PolicyDecisionPoint, Release, ReleasesBySubject } from '../../../../libs/isa/src';
import { badRequest, renderPdf, requireUuid, uuidFaults, validOrThrow } from '../../../../libs/platform/src';
import { ReadGate } from '../subjects/read-gate';
import { CasePackService, casePackHtml } from './case-pack';
import { MaracActionsService } from './marac-actions';
import { indicatorsCsv, MaracIndicatorsService } from './marac-indicators';
import { AuditService, perSubject } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { MaracReferralsReader } from './marac-referrals.reader';
import { MaracResearchService } from './marac-research';
import { MaracScreeningService } from './marac-screening.service';

const GROUPS = ['north', 'south'] as const;
const COORDINATOR = { roles: ['marac-coordinator'], purposes: ['marac.risk-management'] };
const MEETING = { roles: ['marac-coordinator', 'marac-member'], purposes: ['marac.risk-management'] };

export class AcceptReferralDto {
  @ApiPropertyOptional({ enum: GROUPS, description: 'needed only when the victim’s postcode does not place them in one group' })
  @IsOptional() @IsIn(GROUPS)
  group?: (typeof GROUPS)[number];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export class RejectReferralDto {
  @ApiProperty({ example: 'Not DA: the parties are not personally connected', description: 'why: kept with the decision' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export class MergeReferralDto extends RejectReferralDto {
  @ApiProperty({ format: 'uuid', description: 'the referral of the same victim this one duplicates' })
  @IsUUID()
  into: string;
}

export class ResearchDto {
  @ApiProperty({ description: 'what the agency holds that is relevant and proportionate: involvement, history, current contact', maxLength: 8000 })
  @IsString() @IsNotEmpty() @MaxLength(8000)
  summary: string;

  @ApiPropertyOptional({ description: 'risks the agency sees, to the victim, children or others', maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  risks?: string;

  @ApiPropertyOptional({ description: 'what in the pre-filled records is wrong or out of date', maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  corrections?: string;
}

export class ActionDto {
  @ApiProperty({ example: 'Fit a sanctuary room at the victim’s home', maxLength: 2000 })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  description: string;

  @ApiProperty({ example: 'housing', description: 'the agency that volunteered it' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  ownerAgency: string;

  @ApiProperty({ example: '2026-12-24', format: 'date' })
  @IsDateString({ strict: true }, { message: 'must be a date, e.g. 2026-12-24' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date, e.g. 2026-12-24' })
  dueOn: string;
}

export class ActionOutcomeDto {
  @ApiProperty({ enum: ['done', 'not-done'] })
  @IsIn(['done', 'not-done'])
  status: 'done' | 'not-done';

  @ApiProperty({ example: 'Sanctuary room fitted on 20 December', maxLength: 4000 })
  @IsString() @IsNotEmpty() @MaxLength(4000)
  outcome: string;
}

/**
 * The MARAC coordinator screens the referrals the hub raised and runs the fortnightly
 * meetings of the north and south groups (deploy/marac/groups.yaml). Every decision and
 * every agenda read is audited.
 */
@ApiTags('marac')
@ApiBearerAuth()
@Controller('api/marac')
export class MaracMeetingsController {
  constructor(
    private readonly screening: MaracScreeningService,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
    private readonly referrals: MaracReferralsReader,
    private readonly researchService: MaracResearchService,
    private readonly casePacks: CasePackService,
    private readonly gate: ReadGate,
    private readonly dataSource: DataSource,
    private readonly actions: MaracActionsService,
    private readonly indicatorsService: MaracIndicatorsService,
  ) {}

  @Post('referrals/:id/accept')
  @HttpCode(200)
  @Access(COORDINATOR)
  @ApiBody({ type: AcceptReferralDto })
  @ApiOkResponse({ description: '`{group, meetingId, startsAt}`: listed at the first meeting of the victim’s group at least `researchDays` ahead with room (the lowest priority move on past the cap)' })
  async accept(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const dto = validOrThrow(AcceptReferralDto, body ?? {});
    const listed = await this.screening.accept(this.referralId(id), req.user.sub, dto);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.referral.accepted', decision: 'allowed', subjectIds: [listed.subjectId], reason: dto.reason });
    return { group: listed.group, meetingId: listed.meetingId, startsAt: listed.startsAt };
  }

  @Post('referrals/:id/reject')
  @HttpCode(200)
  @Access(COORDINATOR)
  @ApiBody({ type: RejectReferralDto })
  @ApiOkResponse({ description: '`{status: "rejected"}`' })
  async reject(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { reason } = validOrThrow(RejectReferralDto, body);
    const { subjectId } = await this.screening.reject(this.referralId(id), req.user.sub, reason);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.referral.rejected', decision: 'allowed', subjectIds: [subjectId], reason });
    return { status: 'rejected' };
  }

  @Post('referrals/:id/merge')
  @HttpCode(200)
  @Access(COORDINATOR)
  @ApiBody({ type: MergeReferralDto })
  @ApiOkResponse({ description: '`{status: "merged", into}`' })
  async merge(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { into, reason } = validOrThrow(MergeReferralDto, body);
    const { subjectId } = await this.screening.merge(this.referralId(id), into, req.user.sub, reason);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.referral.merged', decision: 'allowed', subjectIds: [subjectId], reason });
    return { status: 'merged', into };
  }

  @Get('meetings')
  @Access(MEETING)
  @ApiQuery({ name: 'group', enum: GROUPS })
  @ApiOkResponse({ description: 'the next six meetings of the group: `[{id, group, startsAt, cases, cap, attendees}]`' })
  async meetings(@Query('group') group?: string) {
    if (!group || !(GROUPS as readonly string[]).includes(group)) throw badRequest('bad query', [{ path: 'group', reason: 'north or south' }]);
    return this.screening.meetings(group as (typeof GROUPS)[number]);
  }

  /** The agenda: cases in priority order (risk, repeat, DASH ticks, age), each victim as the reader’s MARAC clause gives them. */
  @Get('meetings/:id/agenda')
  @Access(MEETING)
  @ApiOkResponse({ description: '`{id, group, startsAt, cap, attendees, cases: [{referralId, subjectId, criterion, repeat, riskLevel, ticks, triggeredAt, victim}]}`' })
  async agenda(@Req() req: AuthedRequest, @Param('id') id: string) {
    requireUuid(id, 'id', 'meeting id');
    const agenda = await this.screening.agenda(id);
    const releases = new ReleasesBySubject(this.policy, { roles: req.user.roles, purpose: req.purpose });
    const cases = [];
    for (const { victim, ...c } of agenda.cases) {
      cases.push({ ...c, victim: (await this.referrals.victimAsSeen(releases.for(c.subjectId), c.source, victim)) ?? { agency: victim.agency } });
    }
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'marac.agenda.read' }, releases.entries()));
    return { ...agenda, cases };
  }

  /** Every agency's research section for a listed case: pre-filled as the reader may see it, with status and deadline. */
  @Get('referrals/:id/research')
  @Access(MEETING)
  @ApiOkResponse({ description: '`{subjectId, meetingId, startsAt, sections: [{agency, dueAt, status: requested|submitted|overdue, prefill, signposted, submission?}]}`' })
  async research(@Req() req: AuthedRequest, @Param('id') id: string) {
    const release = new Release(this.policy, { roles: req.user.roles, purpose: req.purpose });
    const out = await this.researchService.sections(this.referralId(id), release);
    await this.audit.record({
      user: req.user, purpose: req.purpose, action: 'marac.research.read', decision: 'partly-redacted', subjectIds: [out.subjectId], agreement: release.agreement, released: release.released(),
    });
    return out;
  }

  /** An agency's representative submits (or corrects) their agency's research; the coordinator may enter it for them. */
  @Post('referrals/:id/research/:agency')
  @HttpCode(200)
  @Access(MEETING)
  @ApiBody({ type: ResearchDto })
  @ApiOkResponse({ description: '`{status: "submitted"}`' })
  async submitResearch(@Req() req: AuthedRequest, @Param('id') id: string, @Param('agency') agency: string, @Body() body: unknown) {
    const dto = validOrThrow(ResearchDto, body);
    if (!req.user.roles.includes('marac-coordinator') && req.user.agency !== agency) {
      throw new ForbiddenException(`a ${req.user.agency} representative submits ${req.user.agency}'s research, not ${agency}'s`);
    }
    const { subjectId } = await this.researchService.submit(this.referralId(id), agency, req.user.sub, dto);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.research.submitted', decision: 'allowed', subjectIds: [subjectId], reason: `${agency} research` });
    return { status: 'submitted' };
  }

  /**
   * The case pack of a listed case, for this reader: HTML (default) or PDF with the reader's
   * name and the time on every page. Every opening is audited with what it released; a
   * restricted subject, or consent MARAC relies on and does not have, refuses it.
   */
  @Get('referrals/:id/case-pack')
  @Access(MEETING)
  @ApiQuery({ name: 'format', required: false, enum: ['html', 'pdf'] })
  @ApiProduces('text/html', 'application/pdf')
  @ApiOkResponse({ description: 'sections: case, victim/perpetrator/children, DASH, chronology, previous MARACs, risks, agency research, proposed actions' })
  async casePack(@Req() req: AuthedRequest, @Res() res: Response, @Param('id') id: string, @Query('format') format = 'html') {
    if (!['html', 'pdf'].includes(format)) throw badRequest('bad query', [{ path: 'format', reason: 'html or pdf' }]);
    const referralId = this.referralId(id);
    const [listed] = await this.dataSource.query(`SELECT subject_id FROM hub.marac_screenings WHERE referral_id = $1 AND decision = 'accepted'`, [referralId]);
    if (!listed) throw new NotFoundException(`referral ${referralId} is not listed at a meeting`);
    const refused = await this.gate.refusal(listed.subject_id, req.purpose);
    if (refused) {
      await this.audit.record({ user: req.user, purpose: req.purpose, action: `marac.case-pack.${format}`, subjectIds: [listed.subject_id], decision: 'denied', reason: refused });
      throw new ForbiddenException(refused);
    }
    const { spec, subjectId, release } = await this.casePacks.build(referralId, req.user, req.purpose);
    await this.audit.record({
      user: req.user, purpose: req.purpose, action: `marac.case-pack.${format}`, subjectIds: [subjectId], decision: release.redacted ? 'partly-redacted' : 'allowed',
      agreement: release.agreement, released: release.released(),
    });
    if (format === 'pdf') {
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `inline; filename="marac-case-pack-${referralId}.pdf"`);
      res.send(await renderPdf(spec));
    } else {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.send(casePackHtml(spec));
    }
  }

  /** An action agreed at the meeting for a listed case (the coordinator keeps the action log). */
  @Post('referrals/:id/actions')
  @Access(COORDINATOR)
  @ApiBody({ type: ActionDto })
  @ApiOkResponse({ description: 'the action: `{id, referralId, description, ownerAgency, dueOn, status, overdue, …}`' })
  async agreeAction(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const dto = validOrThrow(ActionDto, body);
    const action = await this.actions.agree(this.referralId(id), req.user.sub, dto);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.action.agreed', decision: 'allowed', subjectIds: [action.subjectId], reason: `${dto.ownerAgency}: ${dto.description}` });
    return action;
  }

  /** The owner agency's representative (or the coordinator) records what came of an action. */
  @Post('actions/:actionId/outcome')
  @HttpCode(200)
  @Access(MEETING)
  @ApiBody({ type: ActionOutcomeDto })
  @ApiOkResponse({ description: 'the action, closed' })
  async closeAction(@Req() req: AuthedRequest, @Param('actionId') actionId: string, @Body() body: unknown) {
    requireUuid(actionId, 'actionId', 'action id');
    const dto = validOrThrow(ActionOutcomeDto, body);
    const coordinator = req.user.roles.includes('marac-coordinator');
    const action = await this.actions.close(actionId, req.user.sub, coordinator ? undefined : req.user.agency, dto);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: `marac.action.${dto.status}`, decision: 'allowed', subjectIds: [action.subjectId] });
    return action;
  }

  /** The action log: the coordinator's for every agency, a representative's for their own; `overdue=true` for those past due. */
  @Get('actions')
  @Access(MEETING)
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'referralId', required: false })
  @ApiOkResponse({ description: 'due date first' })
  async actionLog(@Req() req: AuthedRequest, @Query('overdue') overdue?: string, @Query('referralId') referralId?: string) {
    const faults = [
      ...(overdue === undefined || ['true', 'false'].includes(overdue) ? [] : [{ path: 'overdue', reason: 'true or false' }]),
      ...uuidFaults(referralId, 'referralId'),
    ];
    if (faults.length) throw badRequest('bad query', faults);
    const coordinator = req.user.roles.includes('marac-coordinator');
    const list = await this.actions.list({ overdue: overdue === undefined ? undefined : overdue === 'true', referralId, ownerAgency: coordinator ? undefined : req.user.agency });
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.actions.list', decision: 'allowed', subjectIds: [...new Set(list.map((a) => a.subjectId))] });
    return list;
  }

  /**
   * The SafeLives indicators over a period (`from` inclusive, `to` exclusive, dates): cases
   * heard, repeat rate, cases per 10,000 adult women a year, share referred by non-police
   * agencies; JSON with the definitions, or CSV. Counts only: for the coordinator, and for
   * analysts under the depersonalised purpose.
   */
  @Get('indicators')
  @Access({ roles: ['marac-coordinator', 'analyst'], purposes: ['marac.risk-management', 'analytics.depersonalised'] })
  @ApiQuery({ name: 'from', description: 'YYYY-MM-DD' })
  @ApiQuery({ name: 'to', description: 'YYYY-MM-DD (exclusive)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({ description: '`{from, to, groups: [{group, casesHeard, repeats, repeatRate, adultWomen, per10kAdultWomenPerYear, nonPoliceReferred, nonPoliceShare}], definitions}`' })
  async indicators(@Req() req: AuthedRequest, @Res() res: Response, @Query('from') from?: string, @Query('to') to?: string, @Query('format') format = 'json') {
    const date = (v?: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(`${v}T00:00:00Z`) : undefined);
    const [start, end] = [date(from), date(to)];
    const faults = [
      ...(start ? [] : [{ path: 'from', reason: 'a date, YYYY-MM-DD' }]),
      ...(end ? [] : [{ path: 'to', reason: 'a date, YYYY-MM-DD' }]),
      ...(start && end && end <= start ? [{ path: 'to', reason: 'must be after from' }] : []),
      ...(['json', 'csv'].includes(format) ? [] : [{ path: 'format', reason: 'json or csv' }]),
    ];
    if (faults.length) throw badRequest('bad query', faults);
    const out = await this.indicatorsService.compute(start!, end!);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'marac.indicators', decision: 'allowed', reason: `${from}..${to}` });
    if (format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.send(indicatorsCsv(out.groups));
    } else res.json(out);
  }

  private referralId(id: string): string {
    return requireUuid(id, 'id', 'referral id');
  }
}
