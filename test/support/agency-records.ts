import { Agency } from '../../libs/contracts/src';

export const person = (personRef: string, over: Record<string, unknown> = {}) => ({ personRef, givenName: 'Test', familyName: personRef, ...over });
export const child = (personRef: string) => person(personRef, { dateOfBirth: '2011-07-14' });

/** One valid record of each kind, the key its event must carry, and a bad one with the fields it must name. */
export interface Case {
  agency: Agency;
  kind: string;
  valid: Record<string, unknown>;
  key: string;
  bad: Record<string, unknown>;
  badPaths: string[];
}

/** One valid and one bad record of each kind of the fire, housing, treatment and youth justice edges (episode exits need their start: see the tests). */
export const AGENCY_CASES: Case[] = [
  {
    agency: 'fire',
    kind: 'deliberate-fire',
    valid: {
      incidentRef: 'CFB-IRS-1', occurredAt: '2026-03-01T21:40:00Z', location: { ward: 'Headland and Harbour', postcode: 'TS24 0AA', site: 'Old Co-op' },
      propertyType: 'derelict-building', appliancesAttending: 2, casualties: 0, rescues: 0, derelict: true, suspectedArson: true, policeCrimeRef: 'CP-CR-1',
    },
    key: 'CFB-IRS-1',
    bad: { incidentRef: 'CFB-IRS-BAD', occurredAt: 'yesterday', location: { postcode: 'TS24' }, propertyType: 'shed', appliancesAttending: 0, casualties: 0, rescues: 0, derelict: false, suspectedArson: true },
    badPaths: ['appliancesAttending', 'location.postcode', 'occurredAt', 'propertyType'],
  },
  {
    agency: 'fire',
    kind: 'fire-setter-referral',
    valid: { referralRef: 'CFB-FEI-1', referredAt: '2026-03-03T10:00:00Z', person: child('CFB-P-1'), referrer: 'school', relatedIncidentRefs: ['CFB-IRS-1'] },
    key: 'CFB-P-1',
    bad: { referralRef: 'CFB-FEI-BAD', referredAt: '2026-03-03T10:00:00Z', person: child('CFB-P-2'), referrer: 'neighbour', relatedIncidentRefs: ['not a ref'] },
    badPaths: ['referrer', 'relatedIncidentRefs'],
  },
  {
    agency: 'housing',
    kind: 'asb-report',
    valid: {
      reportRef: 'TG-ASB-1', reportedAt: '2026-03-04T09:30:00Z', category: 'nuisance', asbType: 'noise', reporter: person('TG-P-1'), alleged: [person('TG-P-2')],
      hate: false, problemRef: 'HBC-PROB-1', location: { ward: 'De Bruce', postcode: 'TS25 1AB' },
    },
    key: 'HBC-PROB-1',
    bad: { reportRef: 'TG-ASB-BAD', reportedAt: '2026-03-04T09:30:00Z', category: 'criminal', asbType: 'noise', reporter: person('TG-P-1'), hate: 'no', location: { postcode: 'TS25 1AB' } },
    badPaths: ['category', 'hate'],
  },
  {
    agency: 'housing',
    kind: 'enforcement-action',
    valid: { actionRef: 'TG-ENF-1', takenAt: '2026-03-10T14:00:00Z', action: 'civil-injunction', person: person('TG-P-2') },
    key: 'TG-P-2',
    bad: { actionRef: 'TG-ENF-BAD', takenAt: '2026-03-10T14:00:00Z', action: 'asbo', person: { personRef: 'TG-P-2' } },
    badPaths: ['action', 'person.familyName', 'person.givenName'],
  },
  {
    agency: 'housing',
    kind: 'da-disclosure',
    valid: {
      disclosureRef: 'TG-DA-1', disclosedAt: '2026-03-05T11:00:00Z', victim: person('TG-P-3'), perpetrator: person('TG-P-4'), childrenInHousehold: [child('TG-P-5')],
      dash: { form: 'safelives-24', answers: Array.from({ length: 24 }, (_, i) => i < 15) },
    },
    key: 'TG-P-3',
    bad: { disclosureRef: 'TG-DA-BAD', disclosedAt: '2026-03-05T11:00:00Z', victim: person('TG-P-3'), dash: { form: 'safelives-24', answers: [true] } },
    badPaths: ['dash.answers'],
  },
  {
    agency: 'housing',
    kind: 'target-hardening',
    valid: { workRef: 'TG-TH-1', completedAt: '2026-03-12T16:00:00Z', resident: person('TG-P-3'), measures: ['door-locks', 'sanctuary-room'], reason: 'domestic-abuse' },
    key: 'TG-P-3',
    bad: { workRef: 'TG-TH-BAD', completedAt: '2026-03-12T16:00:00Z', resident: person('TG-P-3'), measures: [], reason: 'fear' },
    badPaths: ['measures', 'reason'],
  },
  {
    agency: 'treatment',
    kind: 'referral',
    valid: { referralRef: 'ST-REF-1', referredAt: '2026-03-02T15:00:00Z', client: person('ST-P-1'), source: 'court', service: 'criminal-justice', orderType: 'drug-rehabilitation-requirement' },
    key: 'ST-P-1',
    bad: { referralRef: 'ST-REF-BAD', referredAt: '2026-03-02T15:00:00Z', client: person('ST-P-1'), source: 'friend', service: 'adult', diagnosis: 'x' },
    badPaths: ['diagnosis', 'source'],
  },
  {
    agency: 'treatment',
    kind: 'episode-start',
    valid: { episodeRef: 'ST-EP-1', startedAt: '2026-03-09T10:00:00Z', client: person('ST-P-1'), service: 'adult', referralRef: 'ST-REF-1' },
    key: 'ST-P-1',
    bad: { episodeRef: 'ST-EP-BAD', startedAt: '2026-03-09', client: person('ST-P-1'), service: 'detox' },
    badPaths: ['service', 'startedAt'],
  },
  {
    agency: 'treatment',
    kind: 'drug-test-on-arrest',
    valid: { testRef: 'CP-DTOA-1', testedAt: '2026-03-02T03:20:00Z', person: person('ST-P-2'), custodyRef: 'MB-C-1', result: 'positive', substances: ['cocaine'] },
    key: 'ST-P-2',
    bad: { testRef: 'CP-DTOA-BAD', testedAt: '2026-03-02T03:20:00Z', person: person('ST-P-2'), result: 'positive' },
    badPaths: ['substances'],
  },
  {
    agency: 'treatment',
    kind: 'continuity-of-care',
    valid: { handoverRef: 'ST-COC-1', releasedAt: '2026-03-06T09:00:00Z', prison: 'HMP Holme House', client: person('ST-P-3'), engagedAt: '2026-03-07T10:00:00Z' },
    key: 'ST-P-3',
    bad: { handoverRef: 'ST-COC-BAD', releasedAt: '2026-03-06T09:00:00Z', prison: 'HMP Holme House', client: person('ST-P-3'), engagedAt: '2026-03-05T10:00:00Z' },
    badPaths: ['engagedAt'],
  },
  {
    agency: 'youth-justice',
    kind: 'yjs-referral',
    valid: { referralRef: 'HYJS-REF-1', referredAt: '2026-03-04T13:00:00Z', child: child('HYJS-P-1'), team: 'hartlepool', source: 'police', caseOpenedAt: '2026-03-05T09:00:00Z' },
    key: 'HYJS-P-1',
    bad: { referralRef: 'HYJS-REF-BAD', referredAt: '2026-03-04T13:00:00Z', child: child('HYJS-P-1'), team: 'middlesbrough', source: 'police' },
    badPaths: ['team'],
  },
  {
    agency: 'youth-justice',
    kind: 'yjs-case-closure',
    valid: { closureRef: 'HYJS-CL-1', closedAt: '2026-09-30T16:00:00Z', child: child('HYJS-P-1'), team: 'hartlepool', referralRef: 'HYJS-REF-1' },
    key: 'HYJS-P-1',
    bad: { closureRef: 'HYJS-CL-BAD', closedAt: '2026-09-30T16:00:00Z', child: person('HYJS-P-1'), team: 'hartlepool', referralRef: 'HYJS-REF-1' },
    badPaths: ['child.dateOfBirth'],
  },
  {
    agency: 'youth-justice',
    kind: 'oocd-decision',
    valid: { decisionRef: 'HYJS-OOCD-1', decidedAt: '2026-03-10T12:00:00Z', child: child('HYJS-P-2'), team: 'stockton', outcome: 'outcome-22' },
    key: 'HYJS-P-2',
    bad: { decisionRef: 'HYJS-OOCD-BAD', decidedAt: '2026-03-10T12:00:00Z', child: person('HYJS-P-2', { dateOfBirth: '2016-03-11' }), team: 'stockton', outcome: 'outcome-22' },
    badPaths: ['child.dateOfBirth'],
  },
  {
    agency: 'youth-justice',
    kind: 'first-time-entrant',
    valid: { outcomeRef: 'HYJS-FTE-1', outcomeAt: '2026-03-18T10:30:00Z', child: child('HYJS-P-3'), team: 'south-tees', outcome: 'youth-caution' },
    key: 'HYJS-P-3',
    bad: { outcomeRef: 'HYJS-FTE-BAD', outcomeAt: '2026-03-18T10:30:00Z', child: child('HYJS-P-3'), team: 'south-tees', outcome: 'charge' },
    badPaths: ['outcome'],
  },
];

/** The police kinds on the generic records table (DA incidents have their own suite: police-edge.int-spec). */
export const POLICE_CASES: Case[] = [
  {
    agency: 'police',
    kind: 'custody-entry',
    valid: { custodyRef: 'MB-C-1', suite: 'Middlesbrough', arrivedAt: '2026-03-02T01:10:00Z', detainee: child('CP-P-D1'), offence: 'Criminal damage', appropriateAdultRequired: true },
    key: 'CP-P-D1',
    bad: { custodyRef: 'MB-C-BAD', suite: '', arrivedAt: '2026-03-02', detainee: child('CP-P-D1'), offence: 'Criminal damage', appropriateAdultRequired: 'yes' },
    badPaths: ['appropriateAdultRequired', 'arrivedAt', 'suite'],
  },
  {
    agency: 'police',
    kind: 'custody-release',
    valid: { custodyRef: 'MB-C-1', releasedAt: '2026-03-02T09:40:00Z', outcome: 'bailed' },
    key: 'CP-P-D1',
    bad: { custodyRef: 'MB-C-2', releasedAt: 'later', outcome: 'escaped' },
    badPaths: ['outcome', 'releasedAt'],
  },
  {
    agency: 'police',
    kind: 'asb-incident',
    valid: { incidentRef: 'CP-ASB-1', occurredAt: '2026-03-03T20:00:00Z', category: 'personal', location: { postcode: 'TS25 1AB' }, hate: true, problemRef: 'HBC-PROB-2', reporter: person('CP-P-R1'), suspects: [person('CP-P-S1')] },
    key: 'HBC-PROB-2',
    bad: { incidentRef: 'CP-ASB-BAD', occurredAt: '2026-03-03T20:00:00Z', category: 'rowdy', location: { postcode: 'nowhere' } },
    badPaths: ['category', 'location.postcode'],
  },
  {
    agency: 'police',
    kind: 'crime',
    valid: { crimeRef: 'CP-CR-1', recordedAt: '2026-03-04T10:00:00Z', homeOfficeCategory: 'violence-with-injury', domesticAbuse: false, ward: 'Victoria', outwardPostcode: 'TS24', victim: person('CP-P-V1'), suspects: [person('CP-P-S1')] },
    key: 'CP-CR-1',
    bad: { crimeRef: 'CP-CR-BAD', recordedAt: '2026-03-04T10:00:00Z', homeOfficeCategory: 'burglary', domesticAbuse: false, ward: 'Victoria', outwardPostcode: 'TS24 7AA' },
    badPaths: ['homeOfficeCategory', 'outwardPostcode'],
  },
  {
    agency: 'police',
    kind: 'crime-outcome',
    valid: { outcomeRef: 'CP-OUT-1', crimeRef: 'CP-CR-1', decidedAt: '2026-03-05T10:00:00Z', outcome: 'charge', person: person('CP-P-S1') },
    key: 'CP-CR-1',
    bad: { outcomeRef: 'CP-OUT-BAD', crimeRef: 'CP-CR-1', decidedAt: '2026-03-05T10:00:00Z', outcome: 'acquitted' },
    badPaths: ['outcome', 'person'],
  },
];

