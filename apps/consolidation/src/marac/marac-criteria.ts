import { addMonths, HIGH_RISK_TICKS, MaracCriterion, RiskLevel } from '../../../../libs/contracts/src';

export { addMonths };

/**
 * The SafeLives MARAC referral criteria as the hub applies them (domain.md §2):
 *  - visible high risk: 14+ DASH ticks;
 *  - professional judgement: graded high by an officer's judgement above the ticks;
 *  - repeat: any incident within 12 months of the victim's last MARAC referral;
 *  - potential escalation: 3+ DA incidents with the same victim within any 12 months.
 * "12 months" is calendar months: an incident exactly 12 months after another is within
 * (a referral on 1 March 2025 makes an incident on 1 March 2026 a repeat, and not one on
 * 2 March 2026). A victim is matched by police personRef until identity resolution lands.
 */
export interface IncidentFact {
  incidentRef: string;
  occurredAt: Date;
  ticks: number;
  riskLevel: RiskLevel;
  raisedByJudgement: boolean;
}

export interface ReferralFact {
  triggerIncidentRef: string;
  /** when the incident that triggered it occurred */
  triggeredAt: Date;
}

export interface MaracDecision {
  criterion: MaracCriterion;
  repeat: boolean;
  incidentRefs: string[];
}

export const ESCALATION_INCIDENTS = 3;
export const WINDOW_MONTHS = 12;

export function withinMonths(later: Date, earlier: Date, months = WINDOW_MONTHS): boolean {
  return later.getTime() >= earlier.getTime() && later.getTime() <= addMonths(earlier, months).getTime();
}

/** The victim's latest referral at or before the incident, if any. */
function lastReferralBefore(incident: IncidentFact, referrals: readonly ReferralFact[]): ReferralFact | undefined {
  let last: ReferralFact | undefined;
  for (const r of referrals) {
    if (r.triggerIncidentRef === incident.incidentRef) continue;
    if (r.triggeredAt.getTime() <= incident.occurredAt.getTime() && (!last || r.triggeredAt > last.triggeredAt)) last = r;
  }
  return last;
}

/**
 * The incidents of some 12-month window that holds the new incident and at least three
 * incidents, or undefined. `earlier` are the victim's other incidents known so far.
 */
export function escalationWindow(incident: IncidentFact, earlier: readonly IncidentFact[]): IncidentFact[] | undefined {
  const all = [...earlier.filter((e) => e.incidentRef !== incident.incidentRef), incident].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const t = incident.occurredAt;
  for (const start of all) {
    if (start.occurredAt > t) break;
    if (!withinMonths(t, start.occurredAt)) continue;
    const end = addMonths(start.occurredAt, WINDOW_MONTHS).getTime();
    const inWindow = all.filter((i) => i.occurredAt >= start.occurredAt && i.occurredAt.getTime() <= end);
    if (inWindow.length >= ESCALATION_INCIDENTS) return inWindow;
  }
  return undefined;
}

/** At most one referral per incident; null when no criterion is met. */
export function evaluateMarac(incident: IncidentFact, earlier: readonly IncidentFact[], referrals: readonly ReferralFact[]): MaracDecision | null {
  const last = lastReferralBefore(incident, referrals);
  const repeat = last !== undefined && withinMonths(incident.occurredAt, last.triggeredAt);
  if (incident.ticks >= HIGH_RISK_TICKS) return { criterion: 'visible-high-risk', repeat, incidentRefs: [incident.incidentRef] };
  if (incident.raisedByJudgement && incident.riskLevel === 'high') {
    return { criterion: 'professional-judgement', repeat, incidentRefs: [incident.incidentRef] };
  }
  if (repeat) return { criterion: 'repeat', repeat, incidentRefs: [last.triggerIncidentRef, incident.incidentRef] };
  const window = escalationWindow(incident, earlier);
  if (window) return { criterion: 'escalation', repeat, incidentRefs: window.map((i) => i.incidentRef) };
  return null;
}
