import { Controller, ForbiddenException, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EventTypes, FieldFault, isCalendarDate } from '../../../../libs/contracts/src';
import { PolicyDecisionPoint } from '../../../../libs/isa/src';
import { badRequest } from '../../../../libs/platform/src';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { ENCOMPASS_ROUTE, NotificationsService } from '../notifications/notifications.service';
import { ENCOMPASS_STATUSES, EncompassStatus, EncompassTracking, EncompassTrackingRow } from './encompass-tracking';

const PURPOSE = ENCOMPASS_ROUTE.purpose;
/** The police hold the Encompass duty: among agency officers, only theirs track it. */
const TRACKING_AGENCY = 'police';

/**
 * Operation Encompass tracking (domain.md §2, DAA 2021 s49A): the police Encompass officers
 * check that every child present at a DA incident had their school told before the next
 * school day, from references only (the agreement gives agency officers no field of the
 * incident under this purpose).
 */
@ApiTags('encompass')
@ApiBearerAuth()
@Controller('api/encompass')
export class EncompassController {
  private readonly tracking: EncompassTracking;

  constructor(
    dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
  ) {
    this.tracking = new EncompassTracking(dataSource);
  }

  /**
   * One row per child notification, latest due first: the incident ref, the child's hub
   * subject id, the school (URN and name, or null when no school is known), when it was due
   * (the start of the next school day after the incident), where it stands (`no-school`,
   * `sent`, `delivered`, `acknowledged`), whether it is overdue (not acknowledged by then),
   * and when it was delivered and acknowledged, by whom. No names of children or adults.
   * One audit row per child listed.
   */
  @Get('notifications')
  // police Encompass officers: the agreement gives this purpose to no other tracking role
  @Access({ roles: ['agency-officer'], purposes: [PURPOSE] })
  @ApiQuery({ name: 'from', required: false, description: 'first UK date of dueBy, YYYY-MM-DD' })
  @ApiQuery({ name: 'to', required: false, description: 'last UK date of dueBy, YYYY-MM-DD' })
  @ApiQuery({ name: 'status', required: false, enum: ENCOMPASS_STATUSES })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 500' })
  @ApiOkResponse({ description: '`[{id, incidentRef, childSubjectId, school: {urn, name} | null, dueBy, status, overdue, deliveredAt, acknowledgedAt, acknowledgedBy}]`' })
  async list(
    @Req() req: AuthedRequest,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('status') status?: string,
    @Query('limit') limit = '500',
  ): Promise<EncompassTrackingRow[]> {
    const faults: FieldFault[] = [];
    const date = (value: string | undefined, path: string) => {
      if (value !== undefined && !isCalendarDate(value)) faults.push({ path, reason: 'must be a real date as YYYY-MM-DD' });
    };
    date(from, 'from');
    date(to, 'to');
    if (from && to && isCalendarDate(from) && isCalendarDate(to) && to < from) faults.push({ path: 'to', reason: `must not be before from (${from})` });
    if (status !== undefined && !(ENCOMPASS_STATUSES as readonly string[]).includes(status)) faults.push({ path: 'status', reason: `one of ${ENCOMPASS_STATUSES.join(', ')}` });
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) faults.push({ path: 'limit', reason: 'a whole number from 1 to 1000' });
    if (faults.length) throw badRequest('bad query', faults);

    const decision = this.policy.purposeAllowed(req.user.roles, req.purpose);
    const agreement = decision.agreement && decision.version ? { id: decision.agreement, version: decision.version } : undefined;
    if (req.user.agency !== TRACKING_AGENCY) {
      const reason = `the Encompass tracking list is the police's: agency ${req.user.agency} does not hold the duty`;
      await this.audit.record({ user: req.user, purpose: req.purpose, action: 'encompass.notifications', decision: 'denied', reason, agreement });
      throw new ForbiddenException(reason);
    }

    // the schools' notifications as they stand, so `sent` means in the school's inbox
    await this.notifications.fromSchoolNotifications();
    const rows = await this.tracking.list({ from, to, status: status as EncompassStatus | undefined, limit: n });

    const perChild = new Map<string, number>();
    for (const r of rows) perChild.set(r.childSubjectId, (perChild.get(r.childSubjectId) ?? 0) + 1);
    const base = { user: req.user, purpose: req.purpose, action: 'encompass.notifications', agreement };
    const clause = decision.effect === 'deny' ? `${PURPOSE}:purpose` : decision.clause;
    const entries: AuditEntry[] = perChild.size
      ? [...perChild].map(([subjectId, records]) => ({
          ...base, decision: 'allowed', subjectIds: [subjectId],
          // references only: that police's own incident had this child present, and where the school's notification stands
          released: [{ source: EventTypes.DomesticIncidentRecorded, clause, tier: 'signpost', fields: [], records }],
        }))
      : [{ ...base, decision: 'allowed', reason: 'no notification matched' }];
    await this.audit.record(entries);
    return rows;
  }
}
