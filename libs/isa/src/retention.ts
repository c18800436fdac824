import { addMonths } from '../../contracts/src/dates';
import { Agreement } from './agreement';

/** An ISO 8601 duration of calendar parts (the agreement's retention periods: P2Y, P18M, P1Y6M, P30D, P2W). */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/** Years, months, weeks and days only: a retention period has no use for hours. Throws naming the bad value. */
export function parseIsoDuration(iso: string): IsoDuration {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P') throw new RangeError(`"${iso}" is not an ISO 8601 duration of years, months, weeks and days (e.g. P2Y, P18M, P30D)`);
  const [years, months, weeks, days] = m.slice(1).map((part) => Number(part ?? 0));
  return { years, months, weeks, days };
}

/**
 * The time `iso` before `at`: years and months by the calendar (`addMonths`, so 29 February
 * less a year is 28 February), then weeks and days as 24 hours each (UTC has no DST).
 */
export function subtractDuration(at: Date, iso: string): Date {
  const d = parseIsoDuration(iso);
  const months = addMonths(at, -(d.years * 12 + d.months));
  return new Date(months.getTime() - (d.weeks * 7 + d.days) * 86_400_000);
}

// Durations of months and days do not compare in the abstract (is P12M longer than P365D?):
// compare what they reach back to from one fixed day.
const REFERENCE = new Date(Date.UTC(2001, 0, 1));

/** Which of two retention periods keeps records longer (the first on a tie). */
export function longerRetention(a: string, b: string): string {
  return subtractDuration(REFERENCE, b).getTime() < subtractDuration(REFERENCE, a).getTime() ? b : a;
}

/**
 * How long the hub keeps the records of each agency: the LONGEST retention any purpose of
 * any agreement gives any party that lists the agency, since the hub holds a record for as
 * long as some agreed purpose may still use it. An agency no retention names gets no entry;
 * the retention sweep then deletes nothing of it (a gap in the agreement must not destroy
 * records irreversibly: the sweep logs it instead, and the agreement owner fixes the file).
 * Every agreement loaded counts, whatever its status: what was received under a suspended
 * agreement is still held under its terms.
 */
export function retentionByAgency(agreements: Agreement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const agreement of agreements) {
    const agenciesOf = new Map(agreement.parties.map((p) => [p.id, p.agencies]));
    for (const purpose of Object.values(agreement.purposes)) {
      for (const [party, iso] of Object.entries(purpose.retention)) {
        parseIsoDuration(iso);
        for (const agency of agenciesOf.get(party) ?? []) {
          const known = out.get(agency);
          out.set(agency, known ? longerRetention(known, iso) : iso);
        }
      }
    }
  }
  return out;
}
