import { Agreement, Purpose } from './agreement';
import { loadAgreements } from './loader';
import { longerRetention, parseIsoDuration, retentionByAgency, subtractDuration } from './retention';

const purpose = (retention: Record<string, string>): Purpose => ({
  title: 't', description: 'd', roles: ['marac-coordinator'], lawfulBasis: { article6: '6(1)(e) public task', gateways: [] },
  consent: { route: 'not-relied-on', overrideReasons: [] }, retention, onwardSharing: 'prohibited', clauses: [],
});

const agreement = (purposes: Record<string, Purpose>): Agreement => ({
  id: 'test-isa', version: '1', title: 'Test', status: 'signed',
  parties: [
    { id: 'cleveland-police', name: 'Police', agencies: ['police'], role: 'controller' },
    { id: 'thirteen', name: 'Thirteen', agencies: ['housing'], role: 'controller' },
    { id: 'yjs-a', name: 'YJS A', agencies: ['youth-justice'], role: 'controller' },
    { id: 'yjs-b', name: 'YJS B', agencies: ['youth-justice'], role: 'controller' },
    { id: 'harbour', name: 'Harbour', agencies: [], role: 'processor' },
  ],
  signatories: [], effectiveFrom: '2026-04-01', reviewBy: '2027-03-31', expiresOn: '2029-03-31',
  dpia: { reference: 'DPIA-1', completedOn: '2026-03-01', owner: 'IG lead' },
  purposes,
});

describe('ISO 8601 retention periods', () => {
  it('reads years, months, weeks and days, alone or together', () => {
    expect(parseIsoDuration('P2Y')).toEqual({ years: 2, months: 0, weeks: 0, days: 0 });
    expect(parseIsoDuration('P18M')).toEqual({ years: 0, months: 18, weeks: 0, days: 0 });
    expect(parseIsoDuration('P30D')).toEqual({ years: 0, months: 0, weeks: 0, days: 30 });
    expect(parseIsoDuration('P1Y6M')).toEqual({ years: 1, months: 6, weeks: 0, days: 0 });
    expect(parseIsoDuration('P2W')).toEqual({ years: 0, months: 0, weeks: 2, days: 0 });
  });

  it('refuses anything else, naming the value', () => {
    for (const bad of ['P', '2Y', 'P2', 'PT1H', 'P1Y2H', 'P-1Y', 'P1.5Y', 'p2y', 'P6M1Y', '']) {
      expect(() => parseIsoDuration(bad)).toThrow(`"${bad}"`);
    }
  });

  it('subtracts years and months by the calendar and days as 24 hours', () => {
    const at = new Date('2026-11-23T13:15:00Z');
    expect(subtractDuration(at, 'P2Y').toISOString()).toBe('2024-11-23T13:15:00.000Z');
    expect(subtractDuration(at, 'P18M').toISOString()).toBe('2025-05-23T13:15:00.000Z');
    expect(subtractDuration(at, 'P1Y6M')).toEqual(subtractDuration(at, 'P18M'));
    expect(subtractDuration(at, 'P30D').toISOString()).toBe('2026-10-24T13:15:00.000Z');
    expect(subtractDuration(at, 'P1M2W').toISOString()).toBe('2026-10-09T13:15:00.000Z');
    // the end of a longer month lands on the end of the shorter one; 29 February less a year is 28 February
    expect(subtractDuration(new Date('2026-03-31T00:00:00Z'), 'P1M').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(subtractDuration(new Date('2028-02-29T12:00:00Z'), 'P1Y').toISOString()).toBe('2027-02-28T12:00:00.000Z');
  });

  it('compares periods by how far back they reach', () => {
    expect(longerRetention('P1Y', 'P2Y')).toBe('P2Y');
    expect(longerRetention('P6Y', 'P5Y')).toBe('P6Y');
    expect(longerRetention('P13M', 'P1Y')).toBe('P13M');
    expect(longerRetention('P400D', 'P1Y')).toBe('P400D');
    expect(longerRetention('P1Y6M', 'P18M')).toBe('P1Y6M');
  });
});

describe('retention by agency', () => {
  it('keeps each agency the longest period any purpose gives any party listing it', () => {
    const byAgency = retentionByAgency([
      agreement({
        'marac.risk-management': purpose({ 'cleveland-police': 'P2Y', 'yjs-a': 'P1Y', harbour: 'P10Y' }),
        'custody.yjs-notification': purpose({ 'yjs-a': 'P6M', 'yjs-b': 'P3Y' }),
        'identity.review': purpose({ 'cleveland-police': 'P1M' }),
      }),
    ]);
    expect(Object.fromEntries(byAgency)).toEqual({ police: 'P2Y', 'youth-justice': 'P3Y' });
    // housing is named by no retention: no entry, so the sweep keeps its records
    expect(byAgency.has('housing')).toBe(false);
  });

  it('refuses a retention period it cannot read', () => {
    expect(() => retentionByAgency([agreement({ p: purpose({ 'cleveland-police': 'two years' }) })])).toThrow('"two years"');
  });

  it('gives every agency of the shipped agreement a period', () => {
    const byAgency = retentionByAgency(loadAgreements());
    for (const agency of ['police', 'fire', 'housing', 'treatment', 'youth-justice']) expect(byAgency.get(agency)).toMatch(/^P\d/);
    expect(byAgency.get('police')).toBe('P2Y');
  });
});
