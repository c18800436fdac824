/*
 * School days for Operation Encompass (domain.md §2, DAA 2021 s49A): police tell a child's
 * school of a DA incident before the start of the next school day. A school day is a Monday
 * to Friday that is neither a bank holiday nor in a school holiday, and it starts at the
 * calendar's day-start time in the calendar's time zone (UK local time: GMT in winter, BST
 * in summer). The calendar itself is configuration (deploy/schools/calendar.yaml).
 */

import { uuidV5 } from '../cloud-event';
import { zonedDate, zonedTime } from '../dates';

/** A closed day or run of days, both ends included (`YYYY-MM-DD`, local dates). */
export interface SchoolClosure {
  name: string;
  from: string;
  to: string;
}

export interface SchoolCalendar {
  /** IANA time zone the dates and the day start are in: Europe/London */
  timeZone: string;
  /** `HH:MM`, local time: when the school day starts (08:45 by default) */
  dayStart: string;
  /** bank holidays and school holidays */
  closures: SchoolClosure[];
}

export const DEFAULT_SCHOOL_DAY_START = '08:45';
export const DEFAULT_SCHOOL_TIME_ZONE = 'Europe/London';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY_MS = 86_400_000;
/** A calendar that closes every weekday for longer than this is a mistake, not a calendar. */
const SEARCH_DAYS = 400;

const isDate = (s: unknown): s is string => {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

function zoneKnown(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a calendar document (the YAML, parsed): `timeZone` and `dayStart` (defaults
 * Europe/London and 08:45), `bankHolidays: [{date, name}]` and `holidays: [{name, from, to}]`.
 * Every fault is named by its path; a document with any fault gives no calendar.
 */
export function readSchoolCalendar(doc: unknown): { calendar: SchoolCalendar; faults: [] } | { calendar?: undefined; faults: string[] } {
  const faults: string[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { faults: ['the document must be a mapping with timeZone, dayStart, bankHolidays and holidays'] };
  const d = doc as Record<string, unknown>;
  const known = new Set(['timeZone', 'dayStart', 'bankHolidays', 'holidays']);
  for (const key of Object.keys(d)) if (!known.has(key)) faults.push(`${key}: unknown key (one of ${[...known].join(', ')})`);

  const timeZone = d.timeZone ?? DEFAULT_SCHOOL_TIME_ZONE;
  if (typeof timeZone !== 'string' || !zoneKnown(timeZone)) faults.push(`timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone such as Europe/London`);
  const dayStart = d.dayStart ?? DEFAULT_SCHOOL_DAY_START;
  if (typeof dayStart !== 'string' || !TIME.test(dayStart)) faults.push(`dayStart: ${JSON.stringify(dayStart)} is not a 24-hour HH:MM time such as 08:45`);

  const closures: SchoolClosure[] = [];
  const list = (key: string): unknown[] => {
    const v = d[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      faults.push(`${key}: must be a list`);
      return [];
    }
    return v;
  };
  list('bankHolidays').forEach((b, i) => {
    const at = `bankHolidays[${i}]`;
    const e = (typeof b === 'object' && b !== null ? b : {}) as Record<string, unknown>;
    if (!isDate(e.date)) faults.push(`${at}.date: ${JSON.stringify(e.date)} is not a YYYY-MM-DD date`);
    if (typeof e.name !== 'string' || e.name.trim() === '') faults.push(`${at}.name: required`);
    if (isDate(e.date) && typeof e.name === 'string') closures.push({ name: e.name, from: e.date, to: e.date });
  });
  list('holidays').forEach((h, i) => {
    const at = `holidays[${i}]`;
    const e = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name.trim() === '') faults.push(`${at}.name: required`);
    if (!isDate(e.from)) faults.push(`${at}.from: ${JSON.stringify(e.from)} is not a YYYY-MM-DD date`);
    if (!isDate(e.to)) faults.push(`${at}.to: ${JSON.stringify(e.to)} is not a YYYY-MM-DD date`);
    if (isDate(e.from) && isDate(e.to) && e.to < e.from) faults.push(`${at}: ends (${e.to}) before it starts (${e.from})`);
    if (isDate(e.from) && isDate(e.to) && e.from <= e.to && typeof e.name === 'string') closures.push({ name: e.name, from: e.from, to: e.to });
  });
  if (faults.length) return { faults };
  return { calendar: { timeZone: timeZone as string, dayStart: dayStart as string, closures: closures.sort((a, b) => a.from.localeCompare(b.from)) }, faults: [] };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The closure a date falls in, if any. */
export function closureOn(date: string, calendar: SchoolCalendar): SchoolClosure | undefined {
  return calendar.closures.find((c) => c.from <= date && date <= c.to);
}

/** A Monday to Friday that is not a bank holiday nor in a school holiday. */
export function isSchoolDay(date: string, calendar: SchoolCalendar): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !closureOn(date, calendar);
}

/**
 * The start of the first school day strictly after `after`: an incident at 02:00 on a school
 * day is due by that day's start; at 10:00, by the next school day's; on a Friday evening,
 * by Monday's, or later when Monday is a bank holiday or in a holiday. The day start is local
 * time, so it is 08:45 GMT in winter and 08:45 BST (07:45 UTC) in summer.
 */
export function nextSchoolDayStart(after: Date, calendar: SchoolCalendar): Date {
  if (Number.isNaN(after.getTime())) throw new RangeError('nextSchoolDayStart: not a time');
  let date = zonedDate(after, calendar.timeZone);
  for (let i = 0; i <= SEARCH_DAYS; i++, date = addDays(date, 1)) {
    if (!isSchoolDay(date, calendar)) continue;
    const start = zonedTime(date, calendar.dayStart, calendar.timeZone);
    if (start.getTime() > after.getTime()) return start;
  }
  throw new RangeError(`nextSchoolDayStart: no school day within ${SEARCH_DAYS} days of ${after.toISOString()}: the school calendar closes them all`);
}

/** The last date the calendar names a closure on: beyond it, only weekends are known. */
export function calendarRunsTo(calendar: SchoolCalendar): string | undefined {
  return calendar.closures.reduce<string | undefined>((last, c) => (!last || c.to > last ? c.to : last), undefined);
}

/** Namespace of Encompass notification ids (UUID v5). */
const ENCOMPASS_NAMESPACE = '6f1d3a52-4c1e-4b8e-9a43-2f0e5c7d9b11';

/**
 * The id of one child's Operation Encompass notification for one incident: a UUID v5 of the
 * incident's event id and the child as the agency knows them (`agency:personRef`). The same
 * on every replay of the log, so a redelivered incident raises nothing again and a rebuilt
 * read model keeps its ids; and it names the child without holding their reference, so
 * hub-api finds the child in the incident's `childrenPresent` by it (and finds no one once
 * the child is erased from the record).
 */
export function schoolNotificationId(incidentEventId: string, agency: string, personRef: string): string {
  return uuidV5(ENCOMPASS_NAMESPACE, `${incidentEventId.toLowerCase()}/${agency}:${personRef}`);
}
