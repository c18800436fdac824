import type { CommunityTriggerClause } from '../../../../libs/contracts/src/rules/derived-events.dto';
import { withinMonths } from '../marac/marac-criteria';

export type { CommunityTriggerClause };

/**
 * The Community Trigger (ASB case review) at Hartlepool's local threshold (pack-2014
 * L1309–1314; domain.md §2), met by any one of:
 *  (a) one reporter made 3+ reports of the same problem in the past six months to the
 *      Council, Police or their Landlord, and no action was taken;
 *  (b) more than one reporter made 5+ reports (in total) of the same problem in the past
 *      six months, and no action was taken;
 *  (c) an individual reported one incident or crime motivated by hate in the last three
 *      months, and no action was taken.
 * Months are calendar months, inclusive, UTC (`withinMonths`): a report on 15 January
 * counts towards one on 15 July, one on 14 January does not.
 *
 * "No action taken" is read as: only reports made after the problem's latest action (up to
 * the new report) count. An action answers the reports before it; reports that keep coming
 * after it with nothing further done can meet the threshold again without waiting for the
 * answered ones to leave the six months.
 */
export interface AsbReportFact {
  ref: string;
  /** council, police or landlord: all three count alike */
  agency: string;
  reportedAt: Date;
  problemKey: string;
  /** an individual, business or community group (pack-2014 L1311); unknown when anonymous or not yet matched */
  reporterKey?: string;
  hate: boolean;
}

/** An enforcement action or response on the problem. */
export interface AsbActionFact {
  ref: string;
  problemKey: string;
  takenAt: Date;
}

/** A trigger raised earlier; `metAt` is the time of the report that met it (the rule's clock). */
export interface TriggerFact {
  problemKey: string;
  clause: CommunityTriggerClause;
  metAt: Date;
}

export interface CommunityTriggerDecision {
  clause: CommunityTriggerClause;
  /** the reports that met it, oldest first */
  reportRefs: string[];
  /** the individual who met it, for (a) and for (c) when every hate report is theirs */
  reporterKey?: string;
}

export const REPORT_WINDOW_MONTHS = 6;
export const HATE_WINDOW_MONTHS = 3;
export const ONE_REPORTER_REPORTS = 3;
export const SEVERAL_REPORTERS_REPORTS = 5;
export const SEVERAL_REPORTERS = 2;

function byTime(a: AsbReportFact, b: AsbReportFact): number {
  return a.reportedAt.getTime() - b.reportedAt.getTime() || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/**
 * The problem's reports within `months` before the new one (inclusive) that no action has
 * answered yet, oldest first, the new one included. Reports dated after the new one (they
 * arrived first) are not "before" it and do not count; a redelivered ref counts once.
 */
function unansweredReports(report: AsbReportFact, earlier: readonly AsbReportFact[], actions: readonly AsbActionFact[], months: number): AsbReportFact[] {
  const now = report.reportedAt.getTime();
  const byRef = new Map<string, AsbReportFact>([[report.ref, report]]);
  for (const e of earlier) {
    if (e.problemKey === report.problemKey && !byRef.has(e.ref) && withinMonths(report.reportedAt, e.reportedAt, months)) byRef.set(e.ref, e);
  }
  let lastAction = -Infinity;
  for (const a of actions) {
    const takenAt = a.takenAt.getTime();
    if (a.problemKey === report.problemKey && takenAt <= now && takenAt > lastAction) lastAction = takenAt;
  }
  return [...byRef.values()].filter((r) => r.reportedAt.getTime() > lastAction).sort(byTime);
}

/**
 * One trigger per problem and clause per period: an earlier one of the clause within the
 * period either side of the new report suppresses it. Either side, because a late-arriving
 * report must not repeat a trigger that a later report has already raised.
 */
function alreadyTriggered(report: AsbReportFact, triggers: readonly TriggerFact[], clause: CommunityTriggerClause, months: number): boolean {
  return triggers.some(
    (t) => t.problemKey === report.problemKey && t.clause === clause && (withinMonths(report.reportedAt, t.metAt, months) || withinMonths(t.metAt, report.reportedAt, months)),
  );
}

/** (c): one hate report is enough, whoever made it: a report always has a maker, even when we do not know who. */
function hateIncident(report: AsbReportFact, earlier: readonly AsbReportFact[], actions: readonly AsbActionFact[]): CommunityTriggerDecision | null {
  const hate = unansweredReports(report, earlier, actions, HATE_WINDOW_MONTHS).filter((r) => r.hate);
  if (hate.length === 0) return null;
  const reporters = new Set(hate.map((r) => r.reporterKey));
  const [only] = reporters;
  return { clause: 'hate-incident', reportRefs: hate.map((r) => r.ref), ...(reporters.size === 1 && only !== undefined ? { reporterKey: only } : {}) };
}

/**
 * (a): one reporter's own reports; reports without a reporter cannot be shown to be theirs.
 * The new report's reporter is preferred; otherwise the reporter who reached 3 first.
 */
function threeReportsOneReporter(report: AsbReportFact, counted: readonly AsbReportFact[]): CommunityTriggerDecision | null {
  const byReporter = new Map<string, AsbReportFact[]>();
  let firstToReach: string | undefined;
  for (const r of counted) {
    if (r.reporterKey === undefined) continue;
    const own = byReporter.get(r.reporterKey) ?? [];
    own.push(r);
    byReporter.set(r.reporterKey, own);
    if (own.length === ONE_REPORTER_REPORTS && firstToReach === undefined) firstToReach = r.reporterKey;
  }
  const newReporterMetIt = report.reporterKey !== undefined && (byReporter.get(report.reporterKey)?.length ?? 0) >= ONE_REPORTER_REPORTS;
  const reporterKey = newReporterMetIt ? report.reporterKey : firstToReach;
  if (reporterKey === undefined) return null;
  return { clause: 'three-reports-one-reporter', reportRefs: (byReporter.get(reporterKey) ?? []).map((r) => r.ref), reporterKey };
}

/** (b): anonymous reports add to the total, but "more than one reporter" needs two known ones. */
function fiveReportsSeveralReporters(counted: readonly AsbReportFact[]): CommunityTriggerDecision | null {
  const reporters = new Set(counted.flatMap((r) => (r.reporterKey === undefined ? [] : [r.reporterKey])));
  if (counted.length < SEVERAL_REPORTERS_REPORTS || reporters.size < SEVERAL_REPORTERS) return null;
  return { clause: 'five-reports-several-reporters', reportRefs: counted.map((r) => r.ref) };
}

/**
 * Evaluates the new report against the problem's earlier reports, actions and triggers;
 * returns the first clause met and not already raised, in the order (c), (a), (b), or null.
 */
export function evaluateCommunityTrigger(
  report: AsbReportFact,
  earlier: readonly AsbReportFact[],
  actions: readonly AsbActionFact[],
  triggers: readonly TriggerFact[],
): CommunityTriggerDecision | null {
  if (!alreadyTriggered(report, triggers, 'hate-incident', HATE_WINDOW_MONTHS)) {
    const met = hateIncident(report, earlier, actions);
    if (met) return met;
  }
  const counted = unansweredReports(report, earlier, actions, REPORT_WINDOW_MONTHS);
  if (!alreadyTriggered(report, triggers, 'three-reports-one-reporter', REPORT_WINDOW_MONTHS)) {
    const met = threeReportsOneReporter(report, counted);
    if (met) return met;
  }
  if (!alreadyTriggered(report, triggers, 'five-reports-several-reporters', REPORT_WINDOW_MONTHS)) {
    const met = fiveReportsSeveralReporters(counted);
    if (met) return met;
  }
  return null;
}
