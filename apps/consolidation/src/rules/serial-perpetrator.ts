import type { DaIncidentFact } from './repeat-victim';

export type { DaIncidentFact };

export interface SerialPerpetratorDecision {
  victimCount: number;
  /** the first incident with each distinct victim, oldest first */
  incidentRefs: string[];
}

export const SERIAL_PERPETRATOR_VICTIMS = 5;

function byTime(a: DaIncidentFact, b: DaIncidentFact): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/**
 * Serial perpetrator: DA against 5 or more partners (pack-2014 L1757), counted as distinct
 * victim subjects over all time and from any agency. Raised once: when the count first
 * reaches 5 (or more, when history is loaded in bulk); `alreadyIdentified` stops the 6th.
 * Order of arrival does not matter, there being no window.
 */
export function evaluateSerialPerpetrator(
  incident: DaIncidentFact,
  earlier: readonly DaIncidentFact[],
  alreadyIdentified: boolean,
): SerialPerpetratorDecision | null {
  const perpetrator = incident.perpetratorSubjectId;
  if (alreadyIdentified || perpetrator === undefined) return null;
  const byRef = new Map<string, DaIncidentFact>([[incident.ref, incident]]);
  for (const e of earlier) if (e.perpetratorSubjectId === perpetrator && !byRef.has(e.ref)) byRef.set(e.ref, e);
  const firstWithVictim = new Map<string, DaIncidentFact>();
  for (const i of [...byRef.values()].sort(byTime)) if (!firstWithVictim.has(i.victimSubjectId)) firstWithVictim.set(i.victimSubjectId, i);
  if (firstWithVictim.size < SERIAL_PERPETRATOR_VICTIMS) return null;
  return { victimCount: firstWithVictim.size, incidentRefs: [...firstWithVictim.values()].map((i) => i.ref) };
}
