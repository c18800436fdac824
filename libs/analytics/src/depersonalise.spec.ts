import { ageBand, isoWeekOf, monthOf, newPseudonymKey, outwardPostcode, pseudonym } from './depersonalise';

describe('depersonalising a person for a feed', () => {
  const subject = '1f0e2d3c-4b5a-4968-8776-655443322110';

  it('gives one person the same pseudonym within a subscription and different ones across subscriptions', () => {
    const [a, b] = [newPseudonymKey(), newPseudonymKey()];
    expect(pseudonym(subject, a)).toBe(pseudonym(subject, a));
    expect(pseudonym(subject.toUpperCase(), a)).toBe(pseudonym(subject, a));
    expect(pseudonym(subject, a)).not.toBe(pseudonym(subject, b));
    expect(pseudonym(subject, a)).not.toBe(pseudonym('2f0e2d3c-4b5a-4968-8776-655443322110', a));
    expect(pseudonym(subject, a)).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonym(subject, a)).not.toContain(subject.replace(/-/g, '').slice(0, 8));
    expect(() => pseudonym(subject, 'short')).toThrow(/64 hex digits/);
  });

  it('bands ages at the youth justice and adult boundaries, on the UK date', () => {
    expect(ageBand('2016-03-02', '2026-03-01T12:00:00Z')).toBe('0-9');
    expect(ageBand('2016-03-01', '2026-03-01T12:00:00Z')).toBe('10-17');
    expect(ageBand('2008-03-02', '2026-03-01T12:00:00Z')).toBe('10-17'); // 17 years 364 days
    expect(ageBand('2008-03-01', '2026-03-01T12:00:00Z')).toBe('18-24');
    expect(ageBand('1961-03-01', '2026-03-01T12:00:00Z')).toBe('65+');
    expect(ageBand(undefined, '2026-03-01T12:00:00Z')).toBe('unknown');
  });

  it('keeps the outward postcode only, and the month or ISO week in UK time', () => {
    expect(outwardPostcode('TS24 7AA')).toBe('TS24');
    expect(outwardPostcode('not a postcode')).toBeUndefined();
    expect(monthOf('2026-06-30T23:30:00Z')).toBe('2026-07'); // already July in the UK (BST)
    expect(isoWeekOf('2026-01-01T12:00:00Z')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01T12:00:00Z')).toBe('2026-W53');
    expect(isoWeekOf('2026-11-23T12:00:00Z')).toBe('2026-W48');
  });
});
