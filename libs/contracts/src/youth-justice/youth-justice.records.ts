import { PersonDto } from '../person.dto';
import { AgencyTopic, involved, RecordKind } from '../records';
import { FieldFault } from '../validation';
import { ageOn } from '../dates';
import { ADULT_AGE, FirstTimeEntrantDto, MIN_YOUTH_JUSTICE_AGE, OocdDecisionDto, YjsCaseClosureDto, YjsReferralDto } from './youth-justice.dto';

export const YouthJusticeTopics = {
  Cases: 'youth-justice.cases.v1',
} as const;

export const YOUTH_JUSTICE_TOPICS: AgencyTopic[] = [
  {
    name: YouthJusticeTopics.Cases,
    description: 'Youth Justice Services (Hartlepool, Stockton, South Tees): referrals and case openings, case closures, out-of-court disposal decisions and first-time entrants.',
    key: "the child's YJS personRef, so one child's referral, decisions and closure stay in order",
  },
];

/**
 * The child's date of birth is required and the child must be 10 to 17 on the record's
 * date: under 10 is below the age of criminal responsibility, 18 and over is the adult
 * system. `allowAdult` is for case closures: an order made at 17 runs its course past the
 * 18th birthday, and refusing its closure would leave the case open in the hub for ever.
 */
function childAgeFaults(child: PersonDto, at: string, atName: string, allowAdult = false): FieldFault[] {
  if (child.dateOfBirth === undefined) return [{ path: 'child.dateOfBirth', reason: 'youth justice records need the child’s date of birth' }];
  const age = ageOn(child.dateOfBirth, at);
  if (age < 0) return [{ path: 'child.dateOfBirth', reason: `must not be after ${atName}` }];
  if (age < MIN_YOUTH_JUSTICE_AGE) {
    return [{ path: 'child.dateOfBirth', reason: `the child was ${age} on ${atName} (${at}): under the age of criminal responsibility (${MIN_YOUTH_JUSTICE_AGE})` }];
  }
  if (age >= ADULT_AGE && !allowAdult) {
    return [{ path: 'child.dateOfBirth', reason: `the child was ${age} on ${atName} (${at}): ${ADULT_AGE} and over is not youth justice` }];
  }
  return [];
}

export const yjsReferralKind: RecordKind<YjsReferralDto> = {
  agency: 'youth-justice',
  kind: 'yjs-referral',
  path: 'yjs-referrals',
  title: 'YJS referrals',
  dto: YjsReferralDto,
  refField: 'referralRef',
  eventType: 'uk.shp.youth-justice.yjs-referral.recorded.v1',
  topic: YouthJusticeTopics.Cases,
  check: (r) => childAgeFaults(r.child, r.referredAt, 'referredAt'),
  partitionKey: (d) => d.child.personRef,
  occurredAt: (d) => d.referredAt,
  involvements: (d) => involved(['yjs-child', d.child]),
};

export const yjsCaseClosureKind: RecordKind<YjsCaseClosureDto> = {
  agency: 'youth-justice',
  kind: 'yjs-case-closure',
  path: 'yjs-case-closures',
  title: 'YJS case closures',
  dto: YjsCaseClosureDto,
  refField: 'closureRef',
  eventType: 'uk.shp.youth-justice.yjs-case-closure.recorded.v1',
  topic: YouthJusticeTopics.Cases,
  check: (c) => childAgeFaults(c.child, c.closedAt, 'closedAt', true),
  partitionKey: (d) => d.child.personRef,
  occurredAt: (d) => d.closedAt,
  involvements: (d) => involved(['yjs-child', d.child]),
};

export const oocdDecisionKind: RecordKind<OocdDecisionDto> = {
  agency: 'youth-justice',
  kind: 'oocd-decision',
  path: 'oocd-decisions',
  title: 'out-of-court disposal decisions',
  dto: OocdDecisionDto,
  refField: 'decisionRef',
  eventType: 'uk.shp.youth-justice.oocd-decision.recorded.v1',
  topic: YouthJusticeTopics.Cases,
  check: (d) => childAgeFaults(d.child, d.decidedAt, 'decidedAt'),
  partitionKey: (d) => d.child.personRef,
  occurredAt: (d) => d.decidedAt,
  involvements: (d) => involved(['yjs-child', d.child]),
};

export const firstTimeEntrantKind: RecordKind<FirstTimeEntrantDto> = {
  agency: 'youth-justice',
  kind: 'first-time-entrant',
  path: 'first-time-entrants',
  title: 'first-time entrants',
  dto: FirstTimeEntrantDto,
  refField: 'outcomeRef',
  eventType: 'uk.shp.youth-justice.first-time-entrant.recorded.v1',
  topic: YouthJusticeTopics.Cases,
  check: (f) => childAgeFaults(f.child, f.outcomeAt, 'outcomeAt'),
  partitionKey: (d) => d.child.personRef,
  occurredAt: (d) => d.outcomeAt,
  involvements: (d) => involved(['yjs-child', d.child]),
};

export const YOUTH_JUSTICE_KINDS: RecordKind[] = [yjsReferralKind, yjsCaseClosureKind, oocdDecisionKind, firstTimeEntrantKind];
