import { CloudEvent, DomesticIncidentDto, gradeDash } from '../../libs/contracts/src';
import { evaluateMarac, IncidentFact, ReferralFact } from '../../apps/consolidation/src/marac/marac-criteria';

/**
 * What the referrals must be when every event is applied exactly once, in per-victim
 * order: the reference the fault tests and the benchmark count against.
 */
export function expectedReferrals(events: CloudEvent<DomesticIncidentDto>[]): Map<string, string> {
  const incidents = new Map<string, IncidentFact[]>();
  const referrals = new Map<string, ReferralFact[]>();
  const out = new Map<string, string>();
  for (const e of events) {
    const victim = e.data.victim.personRef;
    const grade = gradeDash(e.data.dash.answers, e.data.professionalJudgement?.riskLevel);
    const fact: IncidentFact = { incidentRef: e.data.incidentRef, occurredAt: new Date(e.data.occurredAt), ticks: grade.ticks, riskLevel: grade.riskLevel, raisedByJudgement: grade.raisedByJudgement };
    const earlier = incidents.get(victim) ?? [];
    const known = referrals.get(victim) ?? [];
    const decision = evaluateMarac(fact, earlier, known);
    earlier.push(fact);
    incidents.set(victim, earlier);
    if (decision) {
      known.push({ triggerIncidentRef: fact.incidentRef, triggeredAt: fact.occurredAt });
      referrals.set(victim, known);
      out.set(fact.incidentRef, decision.criterion);
    }
  }
  return out;
}
