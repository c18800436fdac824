import { isCalendarDate } from './validators';

/** Adds calendar months in UTC; 29 Feb + 12 months is 28 Feb. */
export function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

const LONDON_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in the UK of a time (a birthday falls on the UK date, not the UTC one). */
function ukDate(at: Date): [number, number, number] {
  const parts = Object.fromEntries(LONDON_DATE.formatToParts(at).map((p) => [p.type, p.value]));
  return [Number(parts.year), Number(parts.month), Number(parts.day)];
}

/**
 * Age in whole years on a day, by calendar: the age goes up on the birthday itself. `at` is
 * a `YYYY-MM-DD` date, or a time whose UK calendar date counts. Someone born on 29 February
 * turns a year older on 1 March in a non-leap year (the UK legal convention), which
 * comparing (month, day) gives: 28 February is still before 29 February.
 */
export function ageOn(dateOfBirth: string, at: string | Date): number {
  if (!isCalendarDate(dateOfBirth)) throw new RangeError(`ageOn: ${dateOfBirth} is not a YYYY-MM-DD date`);
  const [bornYear, bornMonth, bornDay] = dateOfBirth.split('-').map(Number);
  let onDay: [number, number, number];
  if (typeof at === 'string' && isCalendarDate(at)) onDay = at.split('-').map(Number) as [number, number, number];
  else {
    const time = new Date(at);
    if (Number.isNaN(time.getTime())) throw new RangeError(`ageOn: ${String(at)} is not a date or time`);
    onDay = ukDate(time);
  }
  const [year, month, day] = onDay;
  const beforeBirthday = month < bornMonth || (month === bornMonth && day < bornDay);
  return year - bornYear - (beforeBirthday ? 1 : 0);
}
