import { RecordKind } from '../records';
import { validatePayload } from '../validation';
import { ageOn } from '../dates';
import { firstTimeEntrantKind, oocdDecisionKind, yjsCaseClosureKind, yjsReferralKind } from './youth-justice.records';

/** Validate then check, as the edge does: the record, or the bad fields (each once). */
function take(kind: RecordKind, body: unknown): { ok: true; value: any } | { ok: false; paths: string[]; reasons: string[] } {
  const v = validatePayload(kind.dto, body);
  const faults = v.ok ? (kind.check?.(v.value) ?? []) : v.faults;
  if (v.ok && faults.length === 0) return { ok: true, value: v.value };
  return { ok: false, paths: [...new Set(faults.map((f) => f.path))].sort(), reasons: faults.map((f) => f.reason) };
}

/** `null`: no date of birth. */
const child = (dateOfBirth: string | null = '2011-07-14') => ({ personRef: 'HYJS-P-55', givenName: 'Test', familyName: 'Child', ...(dateOfBirth ? { dateOfBirth } : {}) });

const referral = (): Record<string, any> => ({
  referralRef: 'HYJS-REF-2026-031',
  referredAt: '2026-03-04T13:00:00Z',
  child: child(),
  team: 'hartlepool',
  source: 'out-of-court-panel',
  caseOpenedAt: '2026-03-05T09:00:00Z',
});
const closure = (): Record<string, any> => ({ closureRef: 'HYJS-CL-2026-012', closedAt: '2026-09-30T16:00:00Z', child: child(), team: 'hartlepool', referralRef: 'HYJS-REF-2026-031' });
const decision = (): Record<string, any> => ({ decisionRef: 'HYJS-OOCD-2026-077', decidedAt: '2026-03-10T12:00:00Z', child: child(), team: 'stockton', outcome: 'outcome-22' });
const entrant = (): Record<string, any> => ({ outcomeRef: 'HYJS-FTE-2026-005', outcomeAt: '2026-03-18T10:30:00Z', child: child(), team: 'south-tees', outcome: 'youth-caution' });

const KINDS: [string, RecordKind, () => Record<string, any>][] = [
  ['YJS referral', yjsReferralKind, referral],
  ['case closure', yjsCaseClosureKind, closure],
  ['OOCD decision', oocdDecisionKind, decision],
  ['first-time entrant', firstTimeEntrantKind, entrant],
];

describe('ageOn', () => {
  it.each([
    ['the day before the 10th birthday', '2016-03-10', '2026-03-09', 9],
    ['the 10th birthday', '2016-03-10', '2026-03-10', 10],
    ['17 years and 364 days', '2008-03-11', '2026-03-10', 17],
    ['the 18th birthday', '2008-03-11', '2026-03-11', 18],
    ['born 29 Feb, on 28 Feb of a non-leap year', '2008-02-29', '2026-02-28', 17],
    ['born 29 Feb, on 1 Mar of a non-leap year (UK convention)', '2008-02-29', '2026-03-01', 18],
    ['born 29 Feb, on 29 Feb of a leap year', '2008-02-29', '2028-02-29', 20],
    ['born 29 Feb, on 28 Feb of a leap year', '2008-02-29', '2028-02-28', 19],
    ['a birthday later in the year', '2010-12-31', '2026-01-01', 15],
  ])('%s', (_case, dateOfBirth, on, age) => expect(ageOn(dateOfBirth, on)).toBe(age));

  it('counts a time by its UK calendar date', () => {
    // 23:30Z on 31 May is 00:30 on 1 June in British Summer Time: the 16th birthday
    expect(ageOn('2010-06-01', '2026-05-31T23:30:00Z')).toBe(16);
    expect(ageOn('2010-06-01', new Date('2026-05-31T22:30:00Z'))).toBe(15);
    // in winter the UK date is the UTC date
    expect(ageOn('2010-01-01', '2025-12-31T23:30:00Z')).toBe(15);
  });

  it('refuses what is not a date', () => {
    expect(() => ageOn('2010-02-30', '2026-01-01')).toThrow(RangeError);
    expect(() => ageOn('2010-01-01', 'soon')).toThrow(RangeError);
  });
});

describe('youth justice records', () => {
  it.each(KINDS)('accepts a valid %s, keyed by and involving the child', (_name, kind, body) => {
    const r = take(kind, body());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(kind.partitionKey(r.value)).toBe('HYJS-P-55');
    expect(kind.involvements(r.value)).toEqual([{ role: 'yjs-child', person: r.value.child }]);
  });

  it.each(KINDS)('%s: names every bad field', (_name, kind, body) => {
    const bad = { ...body(), team: 'middlesbrough', child: { ...child(), givenName: '' }, [kind.refField]: 'no spaces allowed' };
    expect(take(kind, bad)).toMatchObject({ ok: false, paths: ['child.givenName', kind.refField, 'team'].sort() });
  });

  it.each(KINDS)('%s: needs the child’s date of birth', (_name, kind, body) => {
    expect(take(kind, { ...body(), child: child(null) })).toEqual({ ok: false, paths: ['child.dateOfBirth'], reasons: ['youth justice records need the child’s date of birth'] });
  });

  it('names the other bad fields of each kind', () => {
    expect(take(yjsReferralKind, { ...referral(), source: 'neighbour', caseOpenedAt: 'tomorrow' })).toMatchObject({ ok: false, paths: ['caseOpenedAt', 'source'] });
    expect(take(yjsCaseClosureKind, { ...closure(), referralRef: undefined, closedAt: '2099-01-01T00:00:00Z' })).toMatchObject({ ok: false, paths: ['closedAt', 'referralRef'] });
    expect(take(oocdDecisionKind, { ...decision(), outcome: 'detention' })).toMatchObject({ ok: false, paths: ['outcome'] });
    expect(take(firstTimeEntrantKind, { ...entrant(), outcome: 'community-resolution' })).toMatchObject({ ok: false, paths: ['outcome'] });
  });

  describe('the child is 10 to 17 on the record’s date', () => {
    // an OOCD decision on 10 March 2026
    it.each([
      ['9 (the day before the 10th birthday)', '2016-03-11', false],
      ['10 (the 10th birthday)', '2016-03-10', true],
      ['17 years 364 days', '2008-03-11', true],
      ['18 (the 18th birthday)', '2008-03-10', false],
    ])('%s', (_case, dateOfBirth, accepted) => {
      const r = take(oocdDecisionKind, { ...decision(), child: child(dateOfBirth) });
      expect(r.ok).toBe(accepted);
      if (!accepted) expect(r).toMatchObject({ ok: false, paths: ['child.dateOfBirth'] });
    });

    it('says why', () => {
      expect(take(oocdDecisionKind, { ...decision(), child: child('2016-03-11') })).toMatchObject({
        reasons: ['the child was 9 on decidedAt (2026-03-10T12:00:00Z): under the age of criminal responsibility (10)'],
      });
      expect(take(firstTimeEntrantKind, { ...entrant(), child: child('2008-01-01') })).toMatchObject({
        reasons: ['the child was 18 on outcomeAt (2026-03-18T10:30:00Z): 18 and over is not youth justice'],
      });
      expect(take(yjsReferralKind, { ...referral(), child: child('2026-03-05') })).toMatchObject({ reasons: ['must not be after referredAt'] });
    });

    it('lets a case that outlived the 18th birthday close, but not one of a child under 10', () => {
      expect(take(yjsCaseClosureKind, { ...closure(), child: child('2008-01-01') }).ok).toBe(true);
      expect(take(yjsCaseClosureKind, { ...closure(), child: child('2017-01-01') })).toMatchObject({ ok: false, paths: ['child.dateOfBirth'] });
    });
  });
});
