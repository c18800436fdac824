import { Controller, ForbiddenException, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { YJS_TEAMS, YjsTeam } from '../../../../libs/contracts/src';
import { PolicyDecisionPoint } from '../../../../libs/isa/src';
import { badRequest, renderPdf } from '../../../../libs/platform/src';
import { AuditService, perSubject } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { Restrictions } from '../subject-rights/restrictions';
import {
  childrenInCustodyCsv, childrenInCustodyPdf, ChildrenInCustodyReporter, previousUkMonth, REPORT_FORMATS, ReportScope, REVIEW_THRESHOLD_HOURS, ukMonth,
} from './children-in-custody.report';

const ACTION = 'custody.report.children-in-custody';

/**
 * The monthly Children in Custody report (domain.md §2: the meeting reviews every child held
 * 12 hours or more in the previous month), per YJS, as JSON, CSV or PDF.
 */
@ApiTags('custody')
@ApiBearerAuth()
@Controller('api/custody/reports')
export class ChildrenInCustodyController {
  private readonly reporter: ChildrenInCustodyReporter;

  constructor(
    dataSource: DataSource,
    policy: PolicyDecisionPoint,
    restrictions: Restrictions,
    private readonly audit: AuditService,
  ) {
    this.reporter = new ChildrenInCustodyReporter(dataSource, policy, restrictions);
  }

  /**
   * Every child whose custody began in the UK calendar month (Europe/London) and who was held
   * 12 hours or more (released − arrived; a child still in custody counts once 12 hours have
   * passed), grouped by home YJS (Hartlepool, Stockton, South Tees), then out of area by local
   * authority, then not yet placed; by arrival within each, with totals. A custody navigator
   * sees every group; a YJS officer or manager only their own team's. Each child is cut by
   * the policy decision point for the reader; one audit row per child listed.
   */
  @Get('children-in-custody')
  @Access({ roles: ['custody-navigator', 'yjs-manager', 'yjs-officer'], purposes: ['custody.yjs-notification'] })
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM, the UK calendar month arrivals fall in (default: the previous month)', example: '2026-10' })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS, description: 'default json' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOkResponse({
    description:
      'JSON `{month, from, to, thresholdHours, generatedAt, scope, groups: [{key, title, route, team?, localAuthority?, total, stillInCustody, rows: [{subjectId, custodyRef, child: {givenName, familyName, dateOfBirth}, arrivedAt, releasedAt?, stillInCustody, hoursHeld, outcome?, appropriateAdultRequired, acknowledged?: {at, by}}]}], total, stillInCustody, withheld}` ' +
      '(times ISO 8601 in UK time with offset; a field the agreement does not give the reader is absent); CSV one row per child with a header row; PDF for the meeting',
  })
  @ApiBadRequestResponse({ description: '`{error, fields: [{path: "month" | "format", reason}]}`' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed, or a YJS token with no team (audited)' })
  async childrenInCustody(@Req() req: AuthedRequest, @Res() res: Response, @Query('month') month?: string, @Query('format') format = 'json'): Promise<void> {
    const now = new Date();
    const period = ukMonth(month ?? previousUkMonth(now));
    const faults = [
      ...(period ? (period.from > now ? [{ path: 'month', reason: 'must not be in the future' }] : []) : [{ path: 'month', reason: 'a month, YYYY-MM' }]),
      ...((REPORT_FORMATS as readonly string[]).includes(format) ? [] : [{ path: 'format', reason: REPORT_FORMATS.join(', ') }]),
    ];
    if (faults.length) throw badRequest('bad query', faults);

    const scope = await this.scope(req);
    const { report, releases, subjectIds } = await this.reporter.build(period!, scope, { roles: req.user.roles, purpose: req.purpose }, now);
    const base = { user: req.user, purpose: req.purpose, action: ACTION };
    const reason = `${period!.month} ${format}`;
    await this.audit.record(
      subjectIds.length
        ? perSubject(base, releases.entries(subjectIds)).map((e) => ({ ...e, reason }))
        : [{ ...base, decision: 'allowed' as const, reason: `${reason}: no child held ${REVIEW_THRESHOLD_HOURS} hours or more shown` }],
    );

    res.setHeader('cache-control', 'no-store');
    const filename = `children-in-custody-${period!.month}.${format}`;
    if (format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${filename}"`);
      res.send(childrenInCustodyCsv(report));
    } else if (format === 'pdf') {
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `attachment; filename="${filename}"`);
      res.send(await renderPdf(childrenInCustodyPdf(report, period!.label, req.user, now)));
    } else res.json(report);
  }

  /** Navigators see every YJS; anyone else only the team on their token. */
  private async scope(req: AuthedRequest): Promise<ReportScope> {
    if (req.user.roles.includes('custody-navigator')) return { all: true };
    const team = req.user.team;
    if (team && (YJS_TEAMS as readonly string[]).includes(team)) return { all: false, team: team as YjsTeam };
    const reason = 'your token names no youth justice service team';
    await this.audit.record({ user: req.user, purpose: req.purpose, action: ACTION, decision: 'denied', reason });
    throw new ForbiddenException(reason);
  }
}
