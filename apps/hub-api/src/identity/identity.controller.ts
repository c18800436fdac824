import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AGENCIES, Agency, EventTypes, IdentityDecision, IdentityDecisionData, IsRef, newEvent, PersonDto, Topics } from '../../../../libs/contracts/src';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { PolicyDecisionPoint, ReleasesBySubject } from '../../../../libs/isa/src';
import { badRequest, validOrThrow } from '../../../../libs/platform/src';
import { releasedPersons } from '../subjects/subjects.reader';
import { AuditService, perSubject } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';

export class ReviewDecisionDto {
  @ApiProperty({ example: 'Same NHS number on the GP record; nickname Jon', description: 'why: kept with the decision' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export class UnlinkDto extends ReviewDecisionDto {
  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiProperty({ example: 'TH-T-5521' })
  @IsRef()
  personRef: string;
}

/** One side of a possible match: the agency person with what the agreement gives a reviewer of them. */
interface PersonSide {
  agency: string;
  subjectId: string;
  personRef?: string;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  sex?: string;
  postcode?: string;
}

export interface ReviewItem {
  id: string;
  status: string;
  score: number;
  reasons: string[];
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  person: PersonSide;
  candidate: PersonSide;
}

const STATUSES = ['pending', 'confirmed', 'rejected', 'superseded'] as const;
const ACCESS = { roles: ['marac-coordinator', 'admin'], purposes: ['identity.review'] };

/**
 * The identity review queue: possible matches the hub would not link on its own. A reviewer
 * confirms (the two subjects become one), rejects (they stay apart), or unlinks an agency
 * person from a subject. Consolidation owns the links, so a decision is an event through
 * hub-api's outbox (202 Accepted); consolidation applies it, records it and recomputes the
 * views and MARAC referrals it touches. Every read and decision is audited.
 */
@ApiTags('identity review')
@ApiBearerAuth()
@Controller('api/identity')
export class IdentityController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
  ) {}

  @Get('reviews')
  @Access(ACCESS)
  @ApiQuery({ name: 'status', required: false, enum: STATUSES, description: 'default pending' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: 'highest score first: `[{"id", "status", "score", "reasons", "person", "candidate"}]`, each side with its agency, ref, subject and details' })
  async list(@Req() req: AuthedRequest, @Query('status') status = 'pending', @Query('limit') limit = '100', @Query('offset') offset = '0'): Promise<ReviewItem[]> {
    const page = { limit: Number(limit), offset: Number(offset) };
    const faults = [
      ...((STATUSES as readonly string[]).includes(status) ? [] : [{ path: 'status', reason: `one of ${STATUSES.join(', ')}` }]),
      ...(Number.isInteger(page.limit) && page.limit >= 1 && page.limit <= 500 ? [] : [{ path: 'limit', reason: 'a whole number from 1 to 500' }]),
      ...(Number.isInteger(page.offset) && page.offset >= 0 ? [] : [{ path: 'offset', reason: 'a whole number from 0' }]),
    ];
    if (faults.length > 0) throw badRequest('bad query', faults);
    const all = await this.read(`r.status = $1 ORDER BY r.score DESC, r.created_at LIMIT $2 OFFSET $3`, [status, page.limit, page.offset]);
    // Each side as the agreement gives a reviewer of that person's records; one audit row per subject shown.
    const sides = all.flatMap((i) => [i.person, i.candidate]);
    const releases = new ReleasesBySubject(this.policy, { roles: req.user.roles, purpose: req.purpose });
    // one read per subject for all of its people shown
    const released = new Map<string, Record<string, unknown>>();
    for (const subjectId of new Set(sides.map((x) => x.subjectId))) {
      const people = sides.filter((x) => x.subjectId === subjectId).map((x) => ({ agency: x.agency, personRef: x.personRef! }));
      for (const [key, person] of await releasedPersons(this.dataSource, people, releases.for(subjectId))) released.set(key, person);
    }
    const cut = (side: PersonSide): PersonSide => {
      const { address, ...rest } = (released.get(`${side.agency}:${side.personRef}`) ?? {}) as Partial<PersonDto>;
      return { agency: side.agency, subjectId: side.subjectId, ...rest, ...(address?.postcode ? { postcode: address.postcode } : {}) } as PersonSide;
    };
    const items = all.map((i) => ({ ...i, person: cut(i.person), candidate: cut(i.candidate) }));
    await this.audit.record(perSubject({ user: req.user, purpose: req.purpose, action: 'identity.reviews.list' }, releases.entries()));
    return items;
  }

  @Post('reviews/:id/confirm')
  @HttpCode(202)
  @Access(ACCESS)
  @ApiBody({ type: ReviewDecisionDto })
  @ApiAcceptedResponse({ description: '`{"decisionId"}`: consolidation merges the two subjects' })
  @ApiNotFoundResponse({ description: 'no such review item' })
  @ApiConflictResponse({ description: 'the item was already decided' })
  confirm(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown): Promise<{ decisionId: string }> {
    return this.decideReview(req, id, 'confirm', validOrThrow(ReviewDecisionDto, body).reason);
  }

  @Post('reviews/:id/reject')
  @HttpCode(202)
  @Access(ACCESS)
  @ApiBody({ type: ReviewDecisionDto })
  @ApiAcceptedResponse({ description: '`{"decisionId"}`: the two stay apart and are not offered again' })
  @ApiNotFoundResponse({ description: 'no such review item' })
  @ApiConflictResponse({ description: 'the item was already decided' })
  reject(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown): Promise<{ decisionId: string }> {
    return this.decideReview(req, id, 'reject', validOrThrow(ReviewDecisionDto, body).reason);
  }

  @Post('unlink')
  @HttpCode(202)
  @Access(ACCESS)
  @ApiBody({ type: UnlinkDto })
  @ApiAcceptedResponse({ description: '`{"decisionId"}`: consolidation moves the agency person to a subject of their own and recomputes both' })
  @ApiNotFoundResponse({ description: 'no such agency person' })
  @ApiConflictResponse({ description: 'the person is the only one of their subject: nothing to unlink' })
  async unlink(@Req() req: AuthedRequest, @Body() body: unknown): Promise<{ decisionId: string }> {
    const dto = validOrThrow(UnlinkDto, body);
    const [person]: { subject_id: string; others: number }[] = await this.dataSource.query(
      `SELECT p.subject_id, (SELECT count(*)::int FROM consolidation.persons o WHERE o.subject_id = p.subject_id) - 1 AS others
         FROM consolidation.persons p WHERE p.agency = $1 AND p.person_ref = $2`,
      [dto.agency, dto.personRef],
    );
    if (!person) throw new NotFoundException({ error: `no ${dto.agency} person ${dto.personRef} is known`, fields: [{ path: 'personRef', reason: 'unknown' }] });
    if (person.others === 0) throw new ConflictException({ error: 'nothing to unlink: the person is the only one of their subject', fields: [{ path: 'personRef', reason: 'not linked to anyone' }] });
    return this.publish(req, { decision: 'unlink', agency: dto.agency, personRef: dto.personRef, reason: dto.reason }, [person.subject_id]);
  }

  private async decideReview(req: AuthedRequest, id: string, decision: IdentityDecision, reason: string): Promise<{ decisionId: string }> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw badRequest('bad review id', [{ path: 'id', reason: 'must be a UUID' }]);
    const [item] = await this.read(`r.id = $1`, [id]);
    if (!item) throw new NotFoundException(`no review item ${id}`);
    if (item.status !== 'pending') throw new ConflictException({ error: `review item ${id} is already ${item.status}`, fields: [] });
    return this.publish(req, { decision, reviewId: id, agency: item.person.agency as Agency, personRef: item.person.personRef!, reason }, [
      item.person.subjectId,
      item.candidate.subjectId,
    ]);
  }

  /** The decision and its audit row commit together; the relay takes the event to consolidation. */
  private async publish(
    req: AuthedRequest,
    d: Pick<IdentityDecisionData, 'decision' | 'reviewId' | 'agency' | 'personRef' | 'reason'>,
    subjectIds: string[],
  ): Promise<{ decisionId: string }> {
    const data: IdentityDecisionData = { decisionId: randomUUID(), decidedBy: req.user.sub, decidedAt: new Date().toISOString(), ...d };
    const event = newEvent({ type: EventTypes.IdentityDecisionRecorded, source: '/safer-hub/hub-api', subject: data.decisionId, partitionKey: `${d.agency}:${d.personRef}`, data });
    await this.dataSource.transaction(async (manager) => {
      await enqueueEvents(manager, 'hub', [{ topic: Topics.IdentityDecisions, event }]);
      await this.audit.record({ user: req.user, purpose: req.purpose, action: `identity.${d.decision}`, decision: 'allowed', reason: d.reason, subjectIds }, manager);
    });
    this.relay.nudge();
    return { decisionId: data.decisionId };
  }

  private async read(where: string, params: unknown[]): Promise<ReviewItem[]> {
    const rows = await this.dataSource.query(
      `SELECT r.id, r.status, r.score, r.reasons, r.created_at, r.decided_at, r.decided_by,
              a.agency AS a_agency, a.person_ref AS a_ref, a.subject_id AS a_subject, a.person AS a_person,
              b.agency AS b_agency, b.person_ref AS b_ref, b.subject_id AS b_subject, b.person AS b_person
         FROM consolidation.identity_reviews r
         JOIN consolidation.persons a ON a.agency = r.agency AND a.person_ref = r.person_ref
         JOIN consolidation.persons b ON b.agency = r.candidate_agency AND b.person_ref = r.candidate_ref
        WHERE ${where}`,
      params,
    );
    const side = (agency: string, ref: string, subjectId: string, p: PersonDto): PersonSide => ({
      agency,
      personRef: ref,
      subjectId,
      givenName: p.givenName,
      familyName: p.familyName,
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      postcode: p.address?.postcode,
    });
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      status: r.status,
      score: Number(r.score),
      reasons: r.reasons,
      createdAt: new Date(r.created_at).toISOString(),
      ...(r.decided_at ? { decidedAt: new Date(r.decided_at).toISOString(), decidedBy: r.decided_by } : {}),
      person: side(r.a_agency, r.a_ref, r.a_subject, r.a_person),
      candidate: side(r.b_agency, r.b_ref, r.b_subject, r.b_person),
    }));
  }
}
