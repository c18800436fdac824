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
