import { createHmac, randomBytes } from 'node:crypto';
import { ageOn, postcodeDistrict, zonedDate } from '../../contracts/src';

/*
 * What an analyst's feed may carry about a person (issue 7, domain.md §3, s17A and the
 * Serious Violence Duty): a pseudonym, an age band, the outward postcode, the month or week.
 * Never a name, date of birth or full address.
 */

/** A new subscription's pseudonym key: 32 random bytes, hex. Kept by the hub, never sent. */
export const newPseudonymKey = (): string => randomBytes(32).toString('hex');

/**
 * HMAC-SHA-256 of the hub subject id under the subscription's key: the same person has the
 * same pseudonym throughout one subscription (an analyst can count repeats) and an
 * unrelated one in every other, so two feeds cannot be joined unless an agreement allows it.
 */
export function pseudonym(subjectId: string, key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError('pseudonym: the key is 32 bytes as 64 hex digits');
  return createHmac('sha256', Buffer.from(key, 'hex')).update(subjectId.toLowerCase()).digest('hex');
}

/** The age bands the partnership's reports use (children by youth justice age, adults by decade). */
export const AGE_BANDS = ['0-9', '10-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number] | 'unknown';

export function ageBand(dateOfBirth: string | undefined, at: string | Date): AgeBand {
  if (!dateOfBirth) return 'unknown';
  const age = ageOn(dateOfBirth, at);
  if (age < 0) return 'unknown';
  const bounds: [number, AgeBand][] = [[10, '0-9'], [18, '10-17'], [25, '18-24'], [35, '25-34'], [45, '35-44'], [55, '45-54'], [65, '55-64']];
  return bounds.find(([upper]) => age < upper)?.[1] ?? '65+';
}

/** `TS24 7AA` → `TS24`; anything else → undefined (never the full postcode). */
export const outwardPostcode = (postcode: string | undefined): string | undefined => postcodeDistrict(postcode);

/** The UK calendar month of a time, `YYYY-MM`. */
export const monthOf = (at: string | Date): string => zonedDate(new Date(at)).slice(0, 7);

/** The ISO week of the UK calendar date of a time, `YYYY-Www`. */
export function isoWeekOf(at: string | Date): string {
  const day = new Date(`${zonedDate(new Date(at))}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of the week decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
