import { Body, Controller, ForbiddenException, Get, Inject, NotFoundException, Param, Post, Req, UnprocessableEntityException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { ClassConstructor } from 'class-transformer';
import { DataSource, EntityManager } from 'typeorm';
import {
  CloudEvent,
  CONSENT_STATES,
  ConsentOverrideData,
  ConsentRecordedData,
  ConsentState,
  EventTypes,
  FieldFault,
  IsPastDateTime,
  newEvent,
  Topics,
  validatePayload,
} from '../../../../libs/contracts/src';
import { ConsentDecision, consentPermits, consentStatus, ConsentStatus, PolicyDecisionPoint, Purpose, purposeOf } from '../../../../libs/isa/src';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { badRequest, requireUuid, uuidFaults } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { SubjectsReader } from '../subjects/subjects.reader';
import { ConsentOverride, ConsentStatement, ConsentStore } from './consent.store';

export class ConsentStatementDto {
  @ApiProperty({ example: 'marac.risk-management', description: 'the ISA purpose the consent is about; must be the request’s `X-Purpose`' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  purpose: string;

  @ApiProperty({ enum: CONSENT_STATES })
  @IsIn(CONSENT_STATES)
  state: ConsentState;

  @ApiProperty({ format: 'date-time', example: '2026-05-01T10:30:00Z', description: 'when the person gave, refused or withdrew consent; not in the future' })
  @IsPastDateTime()
  statedAt: string;

  @ApiPropertyOptional({ description: 'how it was obtained or refused; no clinical detail' })
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class ConsentOverrideDto {
  @ApiProperty({ example: 'marac.risk-management', description: 'the ISA purpose; must be the request’s `X-Purpose`' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  purpose: string;

  @ApiProperty({
    example: 'high risk of serious harm to the victim or to children in the household',
    description: 'one of the purpose’s `consent.overrideReasons` in the agreement, word for word',
  })
  @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: 'DI Jane Hall, MARAC chair', description: 'who took the decision (not necessarily the user recording it)' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  decisionMaker: string;
}

export type PurposeConsent = ConsentStatus & { route: Purpose['consent']['route'] } & ConsentDecision;

export interface ConsentView {
  /** the subject's current id (a merged subject answers with the one it was merged into) */
  subjectId: string;
  /** oldest first, including those recorded against subjects since merged into this one */
  statements: ConsentStatement[];
  overrides: ConsentOverride[];
  /** per purpose: what stands now, and whether it lets sharing go ahead under the agreement */
  status: Record<string, PurposeConsent>;
}

const SOURCE = '/safer-hub/hub-api';
/** The purposes under which partners work with a person and may ask their consent (not analytics, audit, identity review or rights requests). */
const CONSENT_PURPOSES = ['marac.risk-management', 'custody.yjs-notification', 'safeguarding.school-notification', 'community-trigger.case-review'];
/** Every role of those purposes; which of them may act for the purpose named in the body is the agreement's call. */
const ACCESS = { roles: ['marac-coordinator', 'marac-member', 'custody-navigator', 'yjs-officer', 'agency-officer'], purposes: CONSENT_PURPOSES };

/**
 * Consent to sharing about a person, per purpose: what the person said (given, refused,
 * withdrawn) and overrides by a decision maker for a reason the agreement allows. Each write
 * commits with its event (hub.consent.v1) and audit row; each read is audited.
 */
@ApiTags('consent')
@ApiBearerAuth()
@Controller('api/subjects/:subjectId/consent')
export class ConsentController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
    private readonly subjects: SubjectsReader,
    private readonly store: ConsentStore,
  ) {}

  @Post()
  @Access(ACCESS)
  @ApiBody({ type: ConsentStatementDto })
  @ApiCreatedResponse({ description: '`{"consentId"}`: the latest statement per subject and purpose stands' })
  @ApiBadRequestResponse({ description: 'bad fields, each named; `purpose` unknown to the agreement or not the `X-Purpose`' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  @ApiNotFoundResponse({ description: 'no such subject' })
  async record(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string, @Body() body: unknown): Promise<{ consentId: string }> {
    const { dto, current } = await this.accept(req, subjectId, ConsentStatementDto, body);
    const { purpose, state, statedAt, note } = dto;
    const data: ConsentRecordedData = { consentId: randomUUID(), subjectId, purpose, state, recordedBy: req.user.sub, statedAt, note };
    const event = newEvent({ type: EventTypes.ConsentRecorded, source: SOURCE, subject: data.consentId, partitionKey: subjectId, data });
    const audit = { action: 'consent.record', reason: `consent ${state}`, subjectIds: [current] };
    await this.publish(req, event, (m) => this.store.insertStatement(m, data), audit);
    return { consentId: data.consentId };
  }

  @Post('overrides')
  @Access(ACCESS)
  @ApiBody({ type: ConsentOverrideDto })
  @ApiCreatedResponse({ description: '`{"overrideId"}`: counts until a later statement of consent' })
  @ApiBadRequestResponse({ description: 'bad fields, each named; a `reason` not among the purpose’s override reasons (the error lists them)' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  @ApiNotFoundResponse({ description: 'no such subject' })
  @ApiUnprocessableEntityResponse({ description: 'the purpose does not rely on consent: the agreement gives no reasons to override it' })
  async override(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string, @Body() body: unknown): Promise<{ overrideId: string }> {
    const { dto, purpose, current } = await this.accept(req, subjectId, ConsentOverrideDto, body, (p, raw) => {
      const reasons = p.consent.overrideReasons;
      if (reasons.length === 0 || typeof raw.reason !== 'string' || reasons.includes(raw.reason)) return [];
      return [{ path: 'reason', reason: `not an override reason of ${raw.purpose}; one of: ${reasons.map((r) => `"${r}"`).join('; ')}` }];
    });
    if (purpose.consent.overrideReasons.length === 0) {
      throw new UnprocessableEntityException({
        error: `${dto.purpose} does not rely on consent (route ${purpose.consent.route}): there is no consent to override`,
        fields: [{ path: 'purpose', reason: 'the agreement gives this purpose no override reasons' }],
      });
    }
    const data: ConsentOverrideData = {
      overrideId: randomUUID(),
      subjectId,
      purpose: dto.purpose,
      reason: dto.reason,
      decisionMaker: dto.decisionMaker,
      recordedBy: req.user.sub,
      decidedAt: new Date().toISOString(),
    };
    const event = newEvent({ type: EventTypes.ConsentOverrideRecorded, source: SOURCE, subject: data.overrideId, partitionKey: subjectId, data });
    const audit = { action: 'consent.override', reason: dto.reason, subjectIds: [current] };
    await this.publish(req, event, (m) => this.store.insertOverride(m, data), audit);
    return { overrideId: data.overrideId };
  }

  @Get()
  @Access(ACCESS)
  @ApiOkResponse({
    description:
      '`{"subjectId", "statements", "overrides", "status"}`: every statement and override about the subject (all purposes, ' +
      'oldest first, including those recorded against subjects since merged into it) and per purpose what stands now: ' +
      '`{"state", "statedAt", "override", "route", "permitted", "basis" | "reason"}`',
  })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  @ApiNotFoundResponse({ description: 'no such subject' })
  async read(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string): Promise<ConsentView> {
    requireUuid(subjectId, 'subjectId', 'subject id');
    const current = await this.currentSubject(subjectId);
    const history = await this.store.history(current);
    const status: Record<string, PurposeConsent> = {};
    const purposes = new Set([...CONSENT_PURPOSES, ...history.statements.map((s) => s.purpose), ...history.overrides.map((o) => o.purpose)]);
    for (const id of purposes) {
      const purpose = purposeOf(this.policy.current(), id);
      if (!purpose) continue; // recorded under a purpose the agreement no longer has: in the history, not in the status
      const now = consentStatus(
        history.statements.filter((s) => s.purpose === id),
        history.overrides.filter((o) => o.purpose === id),
      );
      status[id] = { ...now, route: purpose.consent.route, ...consentPermits(purpose, now) };
    }
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'consent.read', decision: 'allowed', subjectIds: [current] });
    return { subjectId: current, ...history, status };
  }

  /**
   * A write's checks, in order: every bad field at once (400), including a purpose unknown to
   * the agreement or other than the X-Purpose; a role the agreement does not let act for the
   * purpose (403, audited); an unknown subject (404).
   */
  private async accept<T extends { purpose: string }>(
    req: AuthedRequest,
    subjectId: string,
    cls: ClassConstructor<T>,
    body: unknown,
    more: (purpose: Purpose, raw: Record<string, unknown>) => FieldFault[] = () => [],
  ): Promise<{ dto: T; purpose: Purpose; current: string }> {
    const result = validatePayload(cls, body);
    const faults = [...uuidFaults(subjectId, 'subjectId'), ...(result.ok ? [] : result.faults)];
    const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const purpose = typeof raw.purpose === 'string' ? purposeOf(this.policy.current(), raw.purpose) : undefined;
    const named = (path: string) => faults.some((f) => f.path === path);
    if (!named('purpose') && typeof raw.purpose === 'string') {
      if (!purpose) faults.push({ path: 'purpose', reason: 'not a purpose of the information-sharing agreement' });
      else if (raw.purpose !== req.purpose) faults.push({ path: 'purpose', reason: `must be the purpose stated in X-Purpose (${req.purpose})` });
    }
    if (purpose) faults.push(...more(purpose, raw).filter((f) => !named(f.path)));
    if (!result.ok || faults.length > 0 || !purpose) throw badRequest(`${faults.length} field(s) failed validation`, faults);
    // The guard checked the header purpose; the body's is the one recorded, so it is checked on its own.
    const decision = this.policy.purposeAllowed(req.user.roles, result.value.purpose);
    if (decision.effect === 'deny') {
      const action = `${req.method} ${req.route?.path ?? req.path}`;
      await this.audit.record({ user: req.user, purpose: req.purpose, action, decision: 'denied', reason: decision.reason });
      throw new ForbiddenException(decision.reason);
    }
    return { dto: result.value, purpose, current: await this.currentSubject(subjectId) };
  }

  private async currentSubject(subjectId: string): Promise<string> {
    const current = await this.subjects.currentId(subjectId);
    if (!current) throw new NotFoundException(`no subject ${subjectId}`);
    return current;
  }

  /**
   * The row, its event and the audit row commit together; the relay publishes after. The row
   * and event keep the subject id as given; the audit names the person's current id.
   */
  private async publish(
    req: AuthedRequest,
    event: CloudEvent,
    insert: (manager: EntityManager) => Promise<void>,
    audit: { action: string; reason: string; subjectIds: string[] },
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await insert(manager);
      await enqueueEvents(manager, 'hub', [{ topic: Topics.Consent, event }]);
      await this.audit.record({ user: req.user, purpose: req.purpose, decision: 'allowed', ...audit }, manager);
    });
    this.relay.nudge();
  }
}
