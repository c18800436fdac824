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

/** The partnership's time zone: birthdays, school days, months and custody times are UK ones. */
export const UK_ZONE = 'Europe/London';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading of an instant in a zone, as if it were UTC (ms, whole seconds). */
export function wallClock(at: Date, timeZone = UK_ZONE): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The instant a local date and time in a zone stand for (the zone's offset then: GMT or BST). */
export function zonedTime(date: string, time: string, timeZone = UK_ZONE): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const local = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes: the offset at the first guess, then at the instant it gives (right across a change of clocks).
  let t = local - (wallClock(new Date(local), timeZone) - local);
  t = local - (wallClock(new Date(t), timeZone) - t);
  return new Date(t);
}

/** The local calendar date of an instant in a zone, `YYYY-MM-DD`. */
export function zonedDate(at: Date, timeZone = UK_ZONE): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 10);
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
    onDay = zonedDate(time).split('-').map(Number) as [number, number, number];
  }
  const [year, month, day] = onDay;
  const beforeBirthday = month < bornMonth || (month === bornMonth && day < bornDay);
  return year - bornYear - (beforeBirthday ? 1 : 0);
}
