import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { FieldFault, LOCAL_AUTHORITIES, LocalAuthority, zonedDate } from '../../../../libs/contracts/src';
import { badRequest } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { tableCsv } from './indicator-tables';
import { BREAKDOWNS, By, INDICATORS, IndicatorsService } from './indicators.service';

const ANALYST = { roles: ['analyst'], purposes: ['analytics.depersonalised'] };
const FORMATS = ['json', 'csv'];
/** The earliest year asked for, and the most years in one table. */
const FIRST_YEAR = 2000;
const MOST_YEARS = 10;
const ROW_HEADING: Record<By, string> = { year: 'Measure', ward: 'Ward', month: 'Month' };

/**
 * The partnership's indicators (issue 7, domain.md §4) for analysts: counts from the
 * analytics facts, by year at partnership level (as the packs publish them), by ward or month
 * below it through disclosure control; as JSON or CSV. One audit row per call.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('api/analytics/indicators')
export class IndicatorsController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Access(ANALYST)
  @ApiOkResponse({ description: '`[{name, title, definition, breakdowns: ("year" | "ward" | "month")[]}]`' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  async list(@Req() req: AuthedRequest) {
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'analytics.indicators', decision: 'allowed', reason: 'list' });
    return INDICATORS.map(({ name, title, definition, breakdowns }) => ({ name, title, definition, breakdowns }));
  }

  @Get(':name')
  @Access(ANALYST)
  @ApiParam({ name: 'name', enum: INDICATORS.map((i) => i.name) })
  @ApiQuery({ name: 'area', required: false, enum: LOCAL_AUTHORITIES, description: 'default hartlepool' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY, the first UK calendar year (default: the year before `to`)', example: '2016' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY, the last UK calendar year (default: the last complete one)', example: '2017' })
  @ApiQuery({ name: 'by', required: false, enum: BREAKDOWNS, description: 'default year (partnership level); ward and month are below it, through disclosure control' })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS, description: 'default json' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      'JSON `{indicator, title, area, from, to, by, level: "partnership" | "below-partnership", columns: string[], rows: [{key, label, level?: "leaf" | "subtotal" | "total", cells: (number | string | null)[]}], ' +
      'notes: string[], disclosure: {suppressBelow, roundTo, applied}, generatedAt}` (a suppressed cell is `"[c]"`, no figure null); CSV the same table: a header row, then one row per table row',
  })
  @ApiBadRequestResponse({ description: '`{error, fields: [{path: "area" | "from" | "to" | "by" | "format", reason}]}`' })
  @ApiNotFoundResponse({ description: 'no such indicator' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  async indicator(
    @Req() req: AuthedRequest,
    @Res() res: Response,
    @Param('name') name: string,
    @Query('area') area = 'hartlepool',
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('by') by = 'year',
    @Query('format') format = 'json',
  ): Promise<void> {
    const indicator = this.indicators.find(name);
    if (!indicator) throw new NotFoundException(`no indicator ${name}`);
    const now = new Date();
    const thisYear = Number(zonedDate(now).slice(0, 4));
    const year = (v: string | undefined, path: string, fallback: number, faults: FieldFault[]) => {
      if (v === undefined) return fallback;
      if (/^\d{4}$/.test(v) && Number(v) >= FIRST_YEAR && Number(v) <= thisYear) return Number(v);
      faults.push({ path, reason: `a year, YYYY, from ${FIRST_YEAR} to ${thisYear}` });
      return fallback;
    };
    const faults: FieldFault[] = [];
    const last = year(to, 'to', thisYear - 1, faults);
    const first = year(from, 'from', Math.max(FIRST_YEAR, last - 1), faults);
    if (!faults.length && first > last) faults.push({ path: 'from', reason: 'must not be after to' });
    if (!faults.length && last - first >= MOST_YEARS) faults.push({ path: 'from', reason: `at most ${MOST_YEARS} years in one table` });
    if (!(LOCAL_AUTHORITIES as readonly string[]).includes(area)) faults.push({ path: 'area', reason: LOCAL_AUTHORITIES.join(', ') });
    if (!(indicator.breakdowns as string[]).includes(by)) faults.push({ path: 'by', reason: `${name} is given by ${indicator.breakdowns.join(', ')}` });
    if (!FORMATS.includes(format)) faults.push({ path: 'format', reason: FORMATS.join(' or ') });
    if (faults.length) throw badRequest('bad query', faults);

    const result = await this.indicators.compute(name, { area: area as LocalAuthority, from: first, to: last, by: by as By }, now);
    await this.audit.record({
      user: req.user, purpose: req.purpose, action: `analytics.indicator.${name}`, decision: 'allowed', reason: `${area} ${first}-${last} by ${by} ${format}`,
    });

    res.setHeader('cache-control', 'no-store');
    if (format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}-${area}-${first}-${last}.csv"`);
      res.send(tableCsv(ROW_HEADING[result.by], result));
    } else res.json(result);
  }
}
