import { FireSetterReferralFact, fireSetterNoticeKey, fireSetterNotices, isChildOnReferral, YjsCaseFact, YjsTeam } from './fire-setter';

const at = (iso: string) => new Date(iso);
/** `null`: no date of birth on the referral. */
const referral = (referredAt: string, dateOfBirth: string | null = '2010-06-15', ref = 'CFB-R1', subjectId = 'S1'): FireSetterReferralFact => ({
  ref,
  subjectId,
  referredAt: at(referredAt),
  ...(dateOfBirth === null ? {} : { dateOfBirth }),
});
const yjsCase = (ref: string, team: YjsTeam, openedAt: string, closedAt?: string, subjectId = 'S1'): YjsCaseFact => ({
  ref,
  subjectId,
  team,
  openedAt: at(openedAt),
  ...(closedAt ? { closedAt: at(closedAt) } : {}),
});
const openCase = yjsCase('YJS-H1', 'hartlepool', '2026-01-01T09:00:00Z');
const none: ReadonlySet<string> = new Set();

describe('child fire-setter open to a YJS', () => {
  describe('a child is under 18 on the referral date', () => {
    it('17 years and 364 days is a child', () => {
      expect(fireSetterNotices([referral('2026-06-14T12:00:00Z', '2008-06-15')], [openCase], none)).toEqual([{ referralRef: 'CFB-R1', team: 'hartlepool', caseRef: 'YJS-H1' }]);
    });
    it('on the 18th birthday is not', () => {
      expect(fireSetterNotices([referral('2026-06-15T12:00:00Z', '2008-06-15')], [openCase], none)).toEqual([]);
    });
    it('born on 29 February, turns 18 on 1 March of a non-leap year (the hub’s one age rule, ageOn)', () => {
      expect(isChildOnReferral(referral('2026-02-28T23:59:00Z', '2008-02-29'))).toBe(true);
      expect(isChildOnReferral(referral('2026-03-01T00:00:00Z', '2008-02-29'))).toBe(false);
    });
    it('counts the UK date: 23:30 UTC in June is already the next day in Hartlepool', () => {
      expect(isChildOnReferral(referral('2026-06-14T22:59:00Z', '2008-06-15'))).toBe(true);
      expect(isChildOnReferral(referral('2026-06-14T23:00:00Z', '2008-06-15'))).toBe(false);
    });
    it('an unknown date of birth gives no notice', () => {
      expect(fireSetterNotices([referral('2026-03-01T10:00:00Z', null)], [openCase], none)).toEqual([]);
    });
    it('nor does a malformed one or one after the referral', () => {
      expect(isChildOnReferral(referral('2026-03-01T10:00:00Z', '2010-02-30'))).toBe(false);
      expect(isChildOnReferral(referral('2026-03-01T10:00:00Z', '2026-03-02'))).toBe(false);
    });
  });

  describe('the YJS case', () => {
    const r = referral('2026-03-01T10:00:00Z');
    it('open at the referral is told', () => {
      expect(fireSetterNotices([r], [openCase], none)).toHaveLength(1);
    });
    it('closed before the referral is not', () => {
      expect(fireSetterNotices([r], [yjsCase('YJS-H1', 'hartlepool', '2025-01-01T09:00:00Z', '2026-02-28T17:00:00Z')], none)).toEqual([]);
    });
    it('closed after the referral was open at it', () => {
      expect(fireSetterNotices([r], [yjsCase('YJS-H1', 'hartlepool', '2025-01-01T09:00:00Z', '2026-03-02T17:00:00Z')], none)).toHaveLength(1);
    });
    it('opening exactly 12 calendar months after the referral is told', () => {
      expect(fireSetterNotices([r], [yjsCase('YJS-S1', 'stockton', '2027-03-01T10:00:00Z')], none)).toEqual([{ referralRef: 'CFB-R1', team: 'stockton', caseRef: 'YJS-S1' }]);
    });
    it('opening a day later is not', () => {
      expect(fireSetterNotices([r], [yjsCase('YJS-S1', 'stockton', '2027-03-02T10:00:00Z')], none)).toEqual([]);
    });
    it('another child’s case is not', () => {
      expect(fireSetterNotices([r], [yjsCase('YJS-H9', 'hartlepool', '2026-01-01T09:00:00Z', undefined, 'S2')], none)).toEqual([]);
    });
  });

  describe('one notice per referral and team', () => {
    const r = referral('2026-03-01T10:00:00Z');
    it('a team with two cases is told once, of the case open at the referral', () => {
      const cases = [yjsCase('YJS-H2', 'hartlepool', '2026-05-01T09:00:00Z'), yjsCase('YJS-H1', 'hartlepool', '2026-01-01T09:00:00Z', '2026-04-01T09:00:00Z')];
      expect(fireSetterNotices([r], cases, none)).toEqual([{ referralRef: 'CFB-R1', team: 'hartlepool', caseRef: 'YJS-H1' }]);
    });
    it('each of two teams is told: the one open now and the one that takes the child on later', () => {
      const cases = [yjsCase('YJS-T1', 'south-tees', '2026-09-01T09:00:00Z'), openCase];
      expect(fireSetterNotices([r], cases, none).map((n) => n.team)).toEqual(['hartlepool', 'south-tees']);
    });
    it('a team already told is skipped', () => {
      const cases = [yjsCase('YJS-T1', 'south-tees', '2026-09-01T09:00:00Z'), openCase];
      expect(fireSetterNotices([r], cases, new Set([fireSetterNoticeKey('CFB-R1', 'hartlepool')]))).toEqual([{ referralRef: 'CFB-R1', team: 'south-tees', caseRef: 'YJS-T1' }]);
    });
    it('the key is referral|team', () => {
      expect(fireSetterNoticeKey('CFB-R1', 'south-tees')).toBe('CFB-R1|south-tees');
    });
    it('each referral is told separately, a redelivered one once', () => {
      const second = referral('2026-04-01T10:00:00Z', '2010-06-15', 'CFB-R2');
      expect(fireSetterNotices([r, second, r], [openCase], none).map((n) => n.referralRef)).toEqual(['CFB-R1', 'CFB-R2']);
    });
  });
});
