import { DomesticIncidentDto, PersonDto } from '../../../libs/contracts/src';

/**
 * The demo scenario of the default run: fictional victims, one reaching each MARAC
 * criterion, and one who does not. Dates are relative to now so the 12-month rules bite.
 */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ticks = (n: number, form: 'police-27' | 'safelives-24' = 'police-27') =>
  Array.from({ length: form === 'police-27' ? 27 : 24 }, (_, i) => i < n);

const person = (ref: string, givenName: string, familyName: string, dateOfBirth: string, line1: string, postcode: string, sex: 'F' | 'M' = 'F'): PersonDto => ({
  personRef: ref,
  givenName,
  familyName,
  dateOfBirth,
  sex,
  address: { line1, postcode },
});

const jane = person('CP-P-1001', 'Jane', 'Doe', '1990-05-04', '1 Example Street', 'TS24 7AA');
const aisha = person('CP-P-1002', 'Aisha', 'Khan', '1986-11-20', '14 Demo Road', 'TS25 1AB');
const emma = person('CP-P-1003', 'Emma', 'Clarke', '1995-02-14', '7 Sample Close', 'TS26 9QQ');
const sarah = person('CP-P-1004', 'Sarah', 'Wilson', '1979-08-30', '22 Fictional Avenue', 'TS24 8BB');
const lucy = person('CP-P-1005', 'Lucy', 'Brown', '2001-01-09', '3 Placeholder Lane', 'TS27 4CD');
const mark = person('CP-P-2001', 'Mark', 'Doe', '1988-03-12', '1 Example Street', 'TS24 7AA', 'M');
const dean = person('CP-P-2002', 'Dean', 'Khan', '1984-06-01', '14 Demo Road', 'TS25 1AB', 'M');
const ryan = person('CP-P-2003', 'Ryan', 'Moss', '1993-09-18', '9 Nowhere Street', 'TS26 9QQ', 'M');
const paul = person('CP-P-2004', 'Paul', 'Wilson', '1977-12-02', '22 Fictional Avenue', 'TS24 8BB', 'M');

const incident = (ref: string, days: number, victim: PersonDto, perpetrator: PersonDto, ticked: number, ward: string, extra: Partial<DomesticIncidentDto> = {}): DomesticIncidentDto => ({
  incidentRef: ref,
  occurredAt: daysAgo(days),
  location: { ward, postcode: victim.address!.postcode },
  victim,
  perpetrator,
  childrenPresent: [],
  dash: { form: 'police-27', answers: ticks(ticked) },
  ...extra,
});

export interface DemoCase {
  story: string;
  expected: string;
  incidents: DomesticIncidentDto[];
}

export const DEMO_CASES: DemoCase[] = [
  {
    story: 'Jane Doe: one incident with 15 DASH ticks',
    expected: 'visible-high-risk',
    incidents: [incident('CP-DA-DEMO-001', 2, jane, mark, 15, 'Victoria')],
  },
  {
    story: 'Aisha Khan: 8 ticks, raised to high by the officer’s professional judgement',
    expected: 'professional-judgement',
    incidents: [
      incident('CP-DA-DEMO-002', 3, aisha, dean, 8, 'Headland and Harbour', {
        professionalJudgement: { riskLevel: 'high', reason: 'Recent separation, threats to kill, victim isolated from family' },
      }),
    ],
  },
  {
    story: 'Emma Clarke: three standard/medium incidents within twelve months',
    expected: 'escalation',
    incidents: [
      incident('CP-DA-DEMO-003', 200, emma, ryan, 5, 'De Bruce'),
      incident('CP-DA-DEMO-004', 90, emma, ryan, 7, 'De Bruce'),
      incident('CP-DA-DEMO-005', 5, emma, ryan, 11, 'De Bruce'),
    ],
  },
  {
    story: 'Sarah Wilson: referred ten months ago (16 ticks), now a further incident with 4 ticks',
    expected: 'visible-high-risk, then repeat',
    incidents: [incident('CP-DA-DEMO-006', 300, sarah, paul, 16, 'Burn Valley'), incident('CP-DA-DEMO-007', 1, sarah, paul, 4, 'Burn Valley')],
  },
  {
    story: 'Lucy Brown: one standard-risk incident',
    expected: 'no referral',
    incidents: [incident('CP-DA-DEMO-008', 10, lucy, ryan, 3, 'Fens and Greatham')],
  },
];

/** A record posted to an agency edge, as that agency's system would. */
export interface DemoPost {
  agency: 'police' | 'fire' | 'housing' | 'treatment' | 'youth-justice';
  path: string;
  body: Record<string, unknown>;
}

export interface DemoStory {
  story: string;
  expected: string;
  posts: DemoPost[];
}

const jon = { givenName: 'Jon', familyName: 'Smith-Jones', dateOfBirth: '1988-07-21', sex: 'M', address: { line1: '5 Sample Terrace', postcode: 'TS25 3QQ' } };
const katie = { givenName: 'Katie', familyName: 'Rowe', dateOfBirth: '1991-03-09', sex: 'F', address: { line1: '2 Demo Row', postcode: 'TS24 8BB' } };
const gary = { personRef: 'CP-P-2010', givenName: 'Gary', familyName: 'Rowe', dateOfBirth: '1989-10-10', sex: 'M' };
const tyler = { givenName: 'Tyler', familyName: 'Reed', dateOfBirth: '2012-05-05', sex: 'M', address: { line1: '8 Example Close', postcode: 'TS27 4DD' } };
const leah = { givenName: 'Leah', familyName: 'Carr', dateOfBirth: '2010-02-17', sex: 'F', address: { line1: '6 Demo Walk', postcode: 'TS18 2AB' } };
const jayden = { givenName: 'Jayden', familyName: 'Hill', dateOfBirth: '2011-08-30', sex: 'M', address: { line1: '12 Sample Road', postcode: 'DL1 4XY' } };
const rita = { givenName: 'Rita', familyName: 'Moss', dateOfBirth: '1970-11-11', sex: 'F', address: { line1: '11 Fictional Street', postcode: 'TS26 3CC' } };

/** Stories across agencies: one person under several ids, a possible match for review, rules beyond MARAC. */
export const DEMO_STORIES: DemoStory[] = [
  {
    story: 'Jon Smith-Jones: police custody (PNC), landlord ASB complaint, treatment referral as "Jonathan" with NHS number',
    expected: 'one subject, three agencies, one chronology',
    posts: [
      {
        agency: 'police',
        path: 'custody-entries',
        body: { custodyRef: 'MB-C-DEMO-1', suite: 'Middlesbrough', arrivedAt: daysAgo(40), offence: 'Criminal damage', appropriateAdultRequired: false, detainee: { personRef: 'CP-P-3001', ...jon, identifiers: { pnc: '88/123456Z' } } },
      },
      { agency: 'police', path: 'custody-entries/MB-C-DEMO-1/release', body: { releasedAt: daysAgo(39.5), outcome: 'released-under-investigation' } },
      {
        agency: 'housing',
        path: 'asb-reports',
        body: {
          reportRef: 'TG-ASB-DEMO-1', reportedAt: daysAgo(30), category: 'nuisance', asbType: 'noise', hate: false, problemRef: 'HBC-PROB-DEMO-1',
          reporter: { personRef: 'TG-P-4001', ...rita }, alleged: [{ personRef: 'TG-P-4002', ...jon }], location: { postcode: 'TS25 3QQ' },
        },
      },
      {
        agency: 'treatment',
        path: 'referrals',
        body: {
          referralRef: 'ST-R-DEMO-1', referredAt: daysAgo(20), source: 'custody', service: 'criminal-justice',
          client: { personRef: 'ST-C-5001', ...jon, givenName: 'Jonathan', identifiers: { nhsNumber: '9434765919', crossRefs: [{ agency: 'police', personRef: 'CP-P-3001' }] } },
        },
      },
    ],
  },
  {
    story: 'Katie Rowe: two police DA incidents; the landlord knows her as "Kate" at a new address',
    expected: 'a joint visit; a possible match in the identity review queue (confirm it to see MARAC escalation across agencies)',
    posts: [
      ...[120, 60].map((days, i) => ({
        agency: 'police' as const,
        path: 'domestic-incidents',
        body: { ...incident(`CP-DA-DEMO-0${20 + i}`, days, person('CP-P-3010', 'Katie', 'Rowe', '1991-03-09', '2 Demo Row', 'TS24 8BB'), gary as PersonDto, 6, 'Burn Valley') },
      })),
      { agency: 'housing', path: 'da-disclosures', body: { disclosureRef: 'TG-DA-DEMO-1', disclosedAt: daysAgo(7), victim: { personRef: 'TG-P-4010', ...katie, givenName: 'Kate', address: { line1: '4 New Street', postcode: 'TS26 9ZZ' } } } },
    ],
  },
  {
    story: 'Tyler Reed (13): open to Hartlepool YJS, then referred by the fire brigade as a fire-setter',
    expected: 'Hartlepool YJS is told',
    posts: [
      { agency: 'youth-justice', path: 'yjs-referrals', body: { referralRef: 'HYJS-R-DEMO-1', referredAt: daysAgo(50), child: { personRef: 'HYJS-P-6001', ...tyler }, team: 'hartlepool', source: 'police', caseOpenedAt: daysAgo(49) } },
      { agency: 'fire', path: 'fire-setter-referrals', body: { referralRef: 'CFB-FEI-DEMO-1', referredAt: daysAgo(4), person: { personRef: 'CFB-P-7001', ...tyler }, referrer: 'school' } },
    ],
  },
  {
    story: 'Tyler Reed (14) booked into custody three hours ago; he lives in TS27, on the Hartlepool / County Durham line',
    expected: 'his open case places him: Hartlepool YJS inbox (yjs-hartlepool), and on the navigators\' board',
    posts: [
      {
        agency: 'police',
        path: 'custody-entries',
        body: {
          custodyRef: 'MB-C-DEMO-2', suite: 'Middlesbrough', arrivedAt: daysAgo(0.125), offence: 'Arson (reckless)', appropriateAdultRequired: true,
          detainee: { personRef: 'CP-P-3030', ...tyler, identifiers: { crossRefs: [{ agency: 'youth-justice', personRef: 'HYJS-P-6001' }] } },
        },
      },
    ],
  },
  {
    story: 'Leah Carr (16) from Stockton: held 14 hours last week and charged; her drug test on arrest was positive',
    expected: 'Stockton YJS told; a referral to START\'s young people\'s team; on the Children in Custody report',
    posts: [
      { agency: 'police', path: 'custody-entries', body: { custodyRef: 'MB-C-DEMO-3', suite: 'Middlesbrough', arrivedAt: daysAgo(8), offence: 'Possession with intent to supply', appropriateAdultRequired: true, detainee: { personRef: 'CP-P-3040', ...leah } } },
      { agency: 'treatment', path: 'drug-tests-on-arrest', body: { testRef: 'CP-DTOA-DEMO-1', testedAt: daysAgo(7.9), person: { personRef: 'ST-C-5040', ...leah, identifiers: { crossRefs: [{ agency: 'police', personRef: 'CP-P-3040' }] } }, custodyRef: 'MB-C-DEMO-3', result: 'positive', substances: ['cocaine'] } },
      { agency: 'police', path: 'custody-entries/MB-C-DEMO-3/release', body: { releasedAt: daysAgo(8 - 14 / 24), outcome: 'charged' } },
    ],
  },
  {
    story: 'Jayden Hill (15) from Darlington, arrested in Hartlepool an hour ago',
    expected: 'the out-of-area queue on the navigators\' board, naming Darlington',
    posts: [
      { agency: 'police', path: 'custody-entries', body: { custodyRef: 'MB-C-DEMO-4', suite: 'Middlesbrough', arrivedAt: daysAgo(1 / 24), offence: 'Theft from a shop', appropriateAdultRequired: true, detainee: { personRef: 'CP-P-3050', ...jayden } } },
    ],
  },
  {
    story: 'Nadia Price: police attend a DA incident last night; her son Leo (7, Seaview Primary) and his sister Mia (15, no school known) were there',
    expected: 'Operation Encompass: Seaview Primary\'s safeguarding lead (school-dsl) is told of Leo, not Mia, before the next school day; police track Mia\'s as "no school"',
    posts: [
      {
        agency: 'police',
        path: 'domestic-incidents',
        body: {
          ...incident('CP-DA-DEMO-40', 0.4, person('CP-P-3060', 'Nadia', 'Price', '1990-09-09', '15 Example Gardens', 'TS25 5PP'), person('CP-P-3061', 'Craig', 'Price', '1987-01-15', '15 Example Gardens', 'TS25 5PP', 'M'), 7, 'Rossmere'),
          childrenPresent: [
            { ...person('CP-P-3062', 'Leo', 'Price', '2019-04-12', '15 Example Gardens', 'TS25 5PP', 'M'), school: { urn: '900001', name: 'Seaview Primary School' } },
            person('CP-P-3063', 'Mia', 'Price', '2011-06-01', '15 Example Gardens', 'TS25 5PP'),
          ],
        },
      },
    ],
  },
  {
    story: 'Rita Moss: a third report of the same noise problem in six months, to her landlord and to police',
    expected: 'Community Trigger threshold met',
    posts: [
      { agency: 'police', path: 'asb-incidents', body: { incidentRef: 'CP-ASB-DEMO-1', occurredAt: daysAgo(90), category: 'nuisance', location: { postcode: 'TS25 3QQ' }, problemRef: 'HBC-PROB-DEMO-1', reporter: { personRef: 'CP-P-3020', ...rita } } },
      {
        agency: 'housing',
        path: 'asb-reports',
        body: { reportRef: 'TG-ASB-DEMO-2', reportedAt: daysAgo(3), category: 'nuisance', asbType: 'noise', hate: false, problemRef: 'HBC-PROB-DEMO-1', reporter: { personRef: 'TG-P-4001', ...rita }, location: { postcode: 'TS25 3QQ' } },
      },
    ],
  },
  {
    story: 'A deliberate grass fire, one appliance, no casualties',
    expected: 'the hub derives "secondary" (IRS)',
    posts: [
      {
        agency: 'fire',
        path: 'deliberate-fires',
        body: { incidentRef: 'CFB-IRS-DEMO-1', occurredAt: daysAgo(2), location: { ward: 'Headland and Harbour', postcode: 'TS24 0AA', site: 'Grass verge' }, propertyType: 'grassland', appliancesAttending: 1, casualties: 0, rescues: 0, derelict: false, suspectedArson: true },
      },
    ],
  },
];
