import { Body, ConflictException, Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addMonths, AgencyPersonRef, ErasureApprovedData, EventTypes, IsPastDateTime, newEvent, Topics } from '../../../../libs/contracts/src';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { badRequest, requireUuid, validOrThrow } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { ConsentStore } from '../consent/consent.store';
import { SubjectsReader } from '../subjects/subjects.reader';

const KINDS = ['erasure', 'restriction'] as const;
const STATUSES = ['pending', 'approved', 'refused'] as const;
const ACCESS = { roles: ['auditor', 'admin'], purposes: ['subject-rights.requests'] };

export class RightsRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ enum: KINDS })
  @IsIn(KINDS)
  kind: (typeof KINDS)[number];

  @ApiProperty({ format: 'date-time', description: 'when the person made the request: the one-month clock starts here (UK GDPR Art 12(3))' })
  @IsPastDateTime()
  receivedAt: string;

  @ApiProperty({ example: 'Art 17(1)(a): no longer necessary; the person moved away in 2019', description: 'the right claimed and the grounds given' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  grounds: string;
}

export class RightsDecisionDto {
  @ApiProperty({ example: 'No exemption applies; agencies consulted 2026-11-20', description: 'why: kept with the decision' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export class LiftDto extends RightsDecisionDto {
  @ApiPropertyOptional({ description: 'the restriction request it lifts; the subject’s restriction in force when absent' })
  @IsOptional() @IsUUID()
  requestId?: string;
}

/**
 * A person's rights of erasure and restriction over what the hub holds. A request is logged
 * by one member of the information governance team and approved or refused by another (two
 * people for an irreversible act). An approved erasure goes to consolidation as an event:
 * it forgets the agency persons and keeps them forgotten on replay. An approved restriction
 * stops every read of the subject except oversight and the person's own requests until lifted.
 */
@ApiTags('subject rights')
@ApiBearerAuth()
@Controller('api/subject-rights')
export class SubjectRightsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: SubjectsReader,
    private readonly audit: AuditService,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    private readonly consent: ConsentStore,
  ) {}

  @Post('requests')
  @Access(ACCESS)
  @ApiCreatedResponse({ description: '`{id, dueBy}`: the request waits for another member of the team to decide it' })
  async log(@Req() req: AuthedRequest, @Body() body: unknown): Promise<{ id: string; dueBy: string }> {
    const dto = validOrThrow(RightsRequestDto, body);
    const subjectId = await this.subjects.currentId(dto.subjectId);
    if (!subjectId) throw new NotFoundException(`no subject ${dto.subjectId}`);
    const id = randomUUID();
    const dueBy = addMonths(new Date(dto.receivedAt), 1).toISOString().slice(0, 10);
    await this.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO hub.rights_requests (id, subject_id, kind, received_at, due_by, grounds, logged_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id, subjectId, dto.kind, dto.receivedAt, dueBy, dto.grounds, req.user.sub,
      ]);
      await this.audit.record({ user: req.user, purpose: req.purpose, action: `subject-rights.${dto.kind}.logged`, decision: 'allowed', subjectIds: [subjectId] }, m);
    });
    return { id, dueBy };
  }

  @Get('requests')
  @Access(ACCESS)
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiOkResponse({ description: 'oldest due first' })
  async list(@Req() req: AuthedRequest, @Query('status') status?: string) {
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw badRequest('bad query', [{ path: 'status', reason: `one of ${STATUSES.join(', ')}` }]);
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT * FROM hub.rights_requests WHERE ($1::text IS NULL OR status = $1) ORDER BY due_by, logged_at`,
      [status ?? null],
    );
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'subject-rights.requests.list', decision: 'allowed', subjectIds: [...new Set(rows.map((r) => r.subject_id))] });
    return rows.map((r) => ({
      id: r.id,
      subjectId: r.subject_id,
      kind: r.kind,
      receivedAt: new Date(r.received_at).toISOString(),
      dueBy: r.due_by instanceof Date ? r.due_by.toISOString().slice(0, 10) : r.due_by,
      grounds: r.grounds,
      loggedBy: r.logged_by,
      status: r.status,
      ...(r.decided_by ? { decidedBy: r.decided_by, decidedAt: new Date(r.decided_at).toISOString(), reason: r.decision_reason } : {}),
    }));
  }

  @Post('requests/:id/approve')
  @HttpCode(200)
  @Access(ACCESS)
  @ApiOkResponse({ description: 'erasure: `{status: "approved", persons}` and the erasure event is on its way to consolidation; restriction: in force now' })
  @ApiForbiddenResponse({ description: 'the person who logged a request may not decide it' })
  @ApiConflictResponse({ description: 'already decided' })
  async approve(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { reason } = validOrThrow(RightsDecisionDto, body);
    return this.decide(req, id, 'approved', reason);
  }

  @Post('requests/:id/refuse')
  @HttpCode(200)
  @Access(ACCESS)
  @ApiOkResponse({ description: '`{status: "refused"}` with the reason kept (e.g. Art 17(3)(b): needed for a legal obligation or public task)' })
  async refuse(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { reason } = validOrThrow(RightsDecisionDto, body);
    return this.decide(req, id, 'refused', reason);
  }

  @Post('restrictions/:subjectId/lift')
  @HttpCode(200)
  @Access(ACCESS)
  @ApiOkResponse({ description: '`{lifted: true}`: the subject is shown again under the agreement' })
  async lift(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string, @Body() body: unknown) {
    requireUuid(subjectId, 'subjectId', 'subject id');
    const { reason } = validOrThrow(LiftDto, body);
    const current = (await this.subjects.currentId(subjectId)) ?? subjectId;
    return this.dataSource.transaction(async (m) => {
      const rows: unknown[] = await m.query(
        `UPDATE hub.restrictions SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE subject_id = $1 AND lifted_at IS NULL RETURNING subject_id`,
        [current, req.user.sub, reason],
      );
      // UPDATE … RETURNING comes back as [rows, count]
      if ((rows[0] as unknown[]).length === 0) throw new NotFoundException(`no restriction in force for subject ${subjectId}`);
      await this.audit.record({ user: req.user, purpose: req.purpose, action: 'subject-rights.restriction.lifted', decision: 'allowed', reason, subjectIds: [current] }, m);
      return { lifted: true };
    });
  }

  private async decide(req: AuthedRequest, id: string, status: 'approved' | 'refused', reason: string) {
    requireUuid(id, 'id', 'request id');
    const result = await this.dataSource.transaction(async (m) => {
      const [r] = await m.query(`SELECT * FROM hub.rights_requests WHERE id = $1 FOR UPDATE`, [id]);
      if (!r) throw new NotFoundException(`no request ${id}`);
      if (r.status !== 'pending') throw new ConflictException({ error: `request ${id} is already ${r.status}`, fields: [] });
      if (r.logged_by === req.user.sub) throw new ForbiddenException('the person who logged a request may not decide it: another member of the team must');
      const subjectId: string = (await this.subjects.currentId(r.subject_id)) ?? r.subject_id;
      let persons: AgencyPersonRef[] = [];
      if (status === 'approved' && r.kind === 'erasure') {
        persons = await m.query(`SELECT agency, person_ref AS "personRef" FROM consolidation.persons WHERE subject_id = $1 ORDER BY agency, person_ref`, [subjectId]);
        if (persons.length === 0) throw new ConflictException({ error: `the hub holds no agency person for subject ${subjectId}: nothing to erase`, fields: [] });
        const data: ErasureApprovedData = { requestId: id, subjectId, persons, decidedBy: req.user.sub, decidedAt: new Date().toISOString() };
        const event = newEvent({ type: EventTypes.ErasureApproved, source: '/safer-hub/hub-api', subject: subjectId, partitionKey: subjectId, data });
        await enqueueEvents(m, 'hub', [{ topic: Topics.Erasures, event }]);
        // hub-api's own data about the person goes too (consent notes are free text); the audit
        // log stays, as the accountability record (Art 5(2)), and names only the subject id.
        await this.consent.erase(m, subjectId);
      }
      if (status === 'approved' && r.kind === 'restriction') {
        await m.query(`INSERT INTO hub.restrictions (subject_id, request_id, restricted_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`, [subjectId, id]);
      }
      await m.query(`UPDATE hub.rights_requests SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4 WHERE id = $1`, [id, status, req.user.sub, reason]);
      await this.audit.record({ user: req.user, purpose: req.purpose, action: `subject-rights.${r.kind}.${status}`, decision: 'allowed', reason, subjectIds: [subjectId] }, m);
      return { id, status, ...(persons.length ? { persons } : {}) };
    });
    if (result.persons) this.relay.nudge();
    return result;
  }
}
