import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { badRequest, uuidFaults } from '../../../../libs/platform/src';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { rowOf, verifyAuditChain } from './audit-chain';
import { AuditService } from './audit.service';

const MAX_PAGE = 1000;

/** The audit log for auditors: every decision about a person, the agreement version, clauses and fields released. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Access({ roles: ['auditor', 'admin'], purposes: ['audit.oversight'] })
  @ApiQuery({ name: 'subjectId', required: false })
  @ApiQuery({ name: 'actor', required: false, description: 'the user (token subject)' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date-time, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date-time, exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_PAGE}, default 200` })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: 'newest first: `[{id, at, actor, actorName, agency, roles, purpose, action, decision, reason, subjectId, agreementId, agreementVersion, clauses, released, hash}]`' })
  async list(
    @Req() req: AuthedRequest,
    @Query('subjectId') subjectId?: string,
    @Query('actor') actor?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit = '200',
    @Query('offset') offset = '0',
  ) {
    const isTime = (v?: string) => v === undefined || !Number.isNaN(Date.parse(v));
    const faults = [
      ...uuidFaults(subjectId, 'subjectId'),
      ...(isTime(from) ? [] : [{ path: 'from', reason: 'must be an ISO date-time' }]),
      ...(isTime(to) ? [] : [{ path: 'to', reason: 'must be an ISO date-time' }]),
      ...(Number.isInteger(Number(limit)) && Number(limit) >= 1 && Number(limit) <= MAX_PAGE ? [] : [{ path: 'limit', reason: `a whole number from 1 to ${MAX_PAGE}` }]),
      ...(Number.isInteger(Number(offset)) && Number(offset) >= 0 ? [] : [{ path: 'offset', reason: 'a whole number from 0' }]),
    ];
    if (faults.length > 0) throw badRequest('bad query', faults);
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT * FROM hub.audit_log
        WHERE ($1::uuid IS NULL OR subject_id = $1) AND ($2::text IS NULL OR actor = $2)
          AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
        ORDER BY id DESC LIMIT $5 OFFSET $6`,
      [subjectId ?? null, actor ?? null, from ?? null, to ?? null, Number(limit), Number(offset)],
    );
    // Reading the audit about someone is itself a disclosure about them.
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'audit.list', decision: 'allowed', subjectIds: subjectId ? [subjectId] : [] });
    return rows.map((r) => ({ id: String(r.id), ...rowOf(r), hash: r.hash }));
  }

  /** Recomputes the whole chain; `ok: false` names the first row that does not hold. */
  @Get('verify')
  @Access({ roles: ['auditor', 'admin'], purposes: ['audit.oversight'] })
  @ApiOkResponse({ description: '`{ok, rows, lastHash, brokenAt?: {id, reason}}`' })
  async verify(@Req() req: AuthedRequest) {
    const report = await verifyAuditChain(this.dataSource);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'audit.verify', decision: 'allowed', reason: report.ok ? `chain holds over ${report.rows} rows` : `chain broken at row ${report.brokenAt!.id}` });
    return report;
  }
}
