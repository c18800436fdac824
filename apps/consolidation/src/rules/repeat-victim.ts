import { withinMonths } from '../marac/marac-criteria';

/**
 * A DA incident as the rules beyond MARAC see it, from any agency (SafeLives counts
 * incidents reported by any agency, not only police; domain.md §2).
 */
export interface DaIncidentFact {
  ref: string;
  agency: string;
  occurredAt: Date;
  victimSubjectId: string;
  perpetratorSubjectId?: string;
}

/** A joint visit task raised earlier; `raisedAt` is when the incident that raised it occurred (the rule's clock). */
export interface JointVisitTaskFact {
  raisedAt: Date;
}

export interface JointVisitDecision {
  /** the latest earlier incident in the window, then this one */
  incidentRefs: [string, string];
}

export const REPEAT_VICTIM_WINDOW_MONTHS = 12;

/**
 * Hartlepool practice (pack-2014 L1739): "all victims involved in two incidents of domestic
 * abuse will receive a visit from a member of their [neighbourhood team] and a
 * representative from Harbour outreach". The hub raises one joint police + Harbour visit
 * task when the victim has another DA incident within 12 calendar months before this one
 * (inclusive: 1 March 2025 and 1 March 2026 are two incidents within 12 months).
 *
 * One visit a year, not one per incident: no task while another was raised within 12 months
 * either side of this incident. Either side, because an incident that arrives late must not
 * add a second visit to the one a later incident already raised.
 */
export function evaluateRepeatVictim(
  incident: DaIncidentFact,
  earlier: readonly DaIncidentFact[],
  earlierTasks: readonly JointVisitTaskFact[],
): JointVisitDecision | null {
  const at = incident.occurredAt;
  // Checked first: it is cheap, and a victim with many incidents usually has had a visit.
  const visitThisYear = earlierTasks.some(
    (t) => withinMonths(at, t.raisedAt, REPEAT_VICTIM_WINDOW_MONTHS) || withinMonths(t.raisedAt, at, REPEAT_VICTIM_WINDOW_MONTHS),
  );
  if (visitThisYear) return null;
  // The latest incident at or before this one (one that arrived first but occurred later is
  // not "before" it); if that one is not within 12 months, no earlier one is.
  let previous: DaIncidentFact | undefined;
  for (const e of earlier) {
    if (e.ref === incident.ref || e.victimSubjectId !== incident.victimSubjectId) continue;
    if (e.occurredAt > at || (previous && e.occurredAt <= previous.occurredAt)) continue;
    previous = e;
  }
  if (!previous || !withinMonths(at, previous.occurredAt, REPEAT_VICTIM_WINDOW_MONTHS)) return null;
  return { incidentRefs: [previous.ref, incident.ref] };
}
