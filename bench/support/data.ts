import { CloudEvent, DomesticIncidentDto, EventTypes, newEvent } from '../../libs/contracts/src';
import { lettersOf, syntheticPerson } from '../../test/support/fixtures';
import { rng } from './stats';

/**
 * Synthetic DA incidents for the benchmark. Victims are skewed: 20 % of the incidents
 * belong to 10 "hot" victims (Zipf 1/k among them), the rest spread over about N/4
 * victims. Incidents span 700 days (inside the agreement's two-year police retention, so
 * none is expired at intake) and arrive in the order they occurred, so each
 * victim's history grows as it would in production. Ticks are uniform 0–20 (a third are
 * visible high risk) and 3 % carry a high professional judgement, so every criterion fires.
 */
export const HOT_VICTIMS = 10;
export const HOT_SHARE = 0.2;
const DAY = 86_400_000;
const SPAN_DAYS = 700;

export function daIncident(incidentRef: string, victimRef: string, occurredAt: Date, ticks: number, judgementHigh = false): DomesticIncidentDto {
  return {
    incidentRef,
    occurredAt: occurredAt.toISOString(),
    location: { ward: 'Victoria', postcode: 'TS24 7AA' },
    victim: syntheticPerson(victimRef, 'Bench', 'Victim'),
    perpetrator: { personRef: `P-${victimRef}`, givenName: 'Bench', familyName: `Perpetrator ${lettersOf(victimRef)}` },
    childrenPresent: [],
    dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < ticks) },
    ...(judgementHigh ? { professionalJudgement: { riskLevel: 'high' as const, reason: 'officer judgement (benchmark)' } } : {}),
  };
}

export interface Dataset {
  events: CloudEvent<DomesticIncidentDto>[];
  victims: number;
  hotVictimIncidents: number[];
  maxPerVictim: number;
}

export function buildDataset(n: number, runId: string, seed = 42): Dataset {
  const random = rng(seed);
  const coldVictims = Math.max(1, Math.round(n / 4));
  const hotWeights = Array.from({ length: HOT_VICTIMS }, (_, k) => 1 / (k + 1));
  const hotTotal = hotWeights.reduce((a, b) => a + b, 0);
  const pickHot = () => {
    let x = random() * hotTotal;
    for (let k = 0; k < HOT_VICTIMS; k++) {
      x -= hotWeights[k];
      if (x <= 0) return k;
    }
    return HOT_VICTIMS - 1;
  };
  const now = Date.now();
  const drafts: { victim: string; at: number; ticks: number; pj: boolean }[] = [];
  const perVictim = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const victim = random() < HOT_SHARE ? `BH${runId}-${pickHot()}` : `BV${runId}-${Math.floor(random() * coldVictims)}`;
    // between 700 days and 1 hour ago
    const at = now - 3_600_000 - Math.floor(random() * SPAN_DAYS * DAY);
    const ticks = Math.floor(random() * 21);
    drafts.push({ victim, at, ticks, pj: ticks < 14 && random() < 0.03 });
    perVictim.set(victim, (perVictim.get(victim) ?? 0) + 1);
  }
  drafts.sort((a, b) => a.at - b.at);
  const events = drafts.map((d, i) => {
    const ref = `B${runId}-${i}`;
    return newEvent({
      type: EventTypes.DomesticIncidentRecorded,
      source: '/safer-hub/police',
      subject: ref,
      partitionKey: d.victim,
      data: daIncident(ref, d.victim, new Date(d.at), d.ticks, d.pj),
    }) as CloudEvent<DomesticIncidentDto>;
  });
  return {
    events,
    victims: perVictim.size,
    hotVictimIncidents: Array.from({ length: HOT_VICTIMS }, (_, k) => perVictim.get(`BH${runId}-${k}`) ?? 0),
    maxPerVictim: Math.max(...perVictim.values()),
  };
}
