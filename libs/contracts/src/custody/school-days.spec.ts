import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { calendarRunsTo, isSchoolDay, nextSchoolDayStart, readSchoolCalendar, SchoolCalendar, schoolNotificationId } from './school-days';
import { zonedTime } from '../dates';

const calendar: SchoolCalendar = {
  timeZone: 'Europe/London',
  dayStart: '08:45',
  closures: [
    { name: 'Early May bank holiday', from: '2026-05-04', to: '2026-05-04' },
    { name: 'Summer half term 2026', from: '2026-05-25', to: '2026-05-29' },
    { name: 'Christmas holiday 2026/27', from: '2026-12-21', to: '2027-01-01' },
  ],
};
const next = (iso: string, cal = calendar) => nextSchoolDayStart(new Date(iso), cal).toISOString();

describe('next school day start (Operation Encompass)', () => {
  it('an incident in the small hours of a school day is due by that day’s start', () => {
    // Tuesday 10 March 2026, GMT
    expect(next('2026-03-10T02:00:00Z')).toBe('2026-03-10T08:45:00.000Z');
  });

  it('an incident after the start is due by the next school day’s start', () => {
    expect(next('2026-03-10T10:00:00Z')).toBe('2026-03-11T08:45:00.000Z');
  });

  it('exactly at the start is already too late for that day: strictly after', () => {
    expect(next('2026-03-10T08:45:00Z')).toBe('2026-03-11T08:45:00.000Z');
    expect(next('2026-03-10T08:44:59Z')).toBe('2026-03-10T08:45:00.000Z');
  });

  it('Friday night and the weekend are due by Monday', () => {
    expect(next('2026-03-13T21:30:00Z')).toBe('2026-03-16T08:45:00.000Z'); // Friday
    expect(next('2026-03-14T12:00:00Z')).toBe('2026-03-16T08:45:00.000Z'); // Saturday
    expect(next('2026-03-15T23:59:00Z')).toBe('2026-03-16T08:45:00.000Z'); // Sunday
  });

  it('skips a bank holiday Monday', () => {
    // Friday 1 May 2026 evening → Monday 4 May is a bank holiday → Tuesday 5 May, 08:45 BST
    expect(next('2026-05-01T19:00:00Z')).toBe('2026-05-05T07:45:00.000Z');
  });

  it('skips a whole holiday, weekends either side', () => {
    // Friday 22 May 2026 evening → half term 25–29 May → Monday 1 June
    expect(next('2026-05-22T20:00:00Z')).toBe('2026-06-01T07:45:00.000Z');
    // during the half term itself
    expect(next('2026-05-27T03:00:00Z')).toBe('2026-06-01T07:45:00.000Z');
    // across Christmas and New Year into 2027 (GMT again)
    expect(next('2026-12-18T16:00:00Z')).toBe('2027-01-04T08:45:00.000Z');
  });

  it('reads the day start in UK local time: 07:45 UTC in summer, 08:45 UTC in winter', () => {
    expect(next('2026-07-07T01:00:00Z')).toBe('2026-07-07T07:45:00.000Z');
    // 07:50 UTC is 08:50 BST: past the start, so the next day
    expect(next('2026-07-07T07:50:00Z')).toBe('2026-07-08T07:45:00.000Z');
  });

  it('is right across the clocks going forward and back', () => {
    // Clocks go forward at 01:00 UTC on Sunday 29 March 2026: Friday evening (GMT) → Monday 08:45 BST
    expect(next('2026-03-27T22:00:00Z')).toBe('2026-03-30T07:45:00.000Z');
    // ...and back at 01:00 UTC on Sunday 25 October 2026: Friday evening (BST) → Monday 08:45 GMT
    expect(next('2026-10-23T20:00:00Z')).toBe('2026-10-26T08:45:00.000Z');
    // the local date decides: 23:30 UTC on Monday 6 July is 00:30 BST on Tuesday 7 July
    expect(next('2026-07-06T23:30:00Z')).toBe('2026-07-07T07:45:00.000Z');
  });

  it('takes the day start from the calendar', () => {
    expect(next('2026-03-10T08:50:00Z', { ...calendar, dayStart: '09:00' })).toBe('2026-03-10T09:00:00.000Z');
  });

  it('refuses a calendar with no school day within reach', () => {
    expect(() => next('2026-03-10T10:00:00Z', { ...calendar, closures: [{ name: 'closed', from: '2026-01-01', to: '2028-12-31' }] })).toThrow(/no school day within/);
  });

  it('knows weekends and closures', () => {
    expect(isSchoolDay('2026-03-10', calendar)).toBe(true);
    expect(isSchoolDay('2026-03-14', calendar)).toBe(false);
    expect(isSchoolDay('2026-05-04', calendar)).toBe(false);
    expect(isSchoolDay('2026-05-28', calendar)).toBe(false);
  });

  it('converts local times to instants', () => {
    expect(zonedTime('2026-01-15', '08:45', 'Europe/London').toISOString()).toBe('2026-01-15T08:45:00.000Z');
    expect(zonedTime('2026-06-15', '08:45', 'Europe/London').toISOString()).toBe('2026-06-15T07:45:00.000Z');
  });
});

describe('school calendar file', () => {
  it('the shipped calendar reads clean: Europe/London, 08:45, bank holidays and holidays 2025–2027', () => {
    const file = join(__dirname, '..', '..', '..', '..', 'deploy', 'schools', 'calendar.yaml');
    const read = readSchoolCalendar(parse(readFileSync(file, 'utf8')));
    expect(read.faults).toEqual([]);
    const cal = read.calendar!;
    expect(cal).toMatchObject({ timeZone: 'Europe/London', dayStart: '08:45' });
    for (const day of ['2025-12-25', '2026-04-03', '2026-08-31', '2026-12-28', '2027-03-29', '2027-12-28']) expect(isSchoolDay(day, cal)).toBe(false);
    expect(calendarRunsTo(cal)! >= '2027-08-31').toBe(true);
    // Friday 29 May 2026 is in half term: the next school day is Monday 1 June
    expect(nextSchoolDayStart(new Date('2026-05-22T18:00:00Z'), cal).toISOString()).toBe('2026-06-01T07:45:00.000Z');
  });

  it('defaults the time zone and day start', () => {
    expect(readSchoolCalendar({ bankHolidays: [], holidays: [] }).calendar).toEqual({ timeZone: 'Europe/London', dayStart: '08:45', closures: [] });
  });

  it('names each fault', () => {
    const read = readSchoolCalendar({
      timeZone: 'Europe/Hartlepool',
      dayStart: '8.45',
      bankHolidays: [{ date: '2026-02-30', name: 'Leap' }, { date: '2026-05-04' }],
      holidays: [{ name: 'Backwards', from: '2026-06-10', to: '2026-06-01' }, { name: 'Half', from: 'soon', to: '2026-06-01' }],
      terms: [],
    });
    expect(read.calendar).toBeUndefined();
    expect(read.faults).toEqual([
      'terms: unknown key (one of timeZone, dayStart, bankHolidays, holidays)',
      'timeZone: "Europe/Hartlepool" is not an IANA time zone such as Europe/London',
      'dayStart: "8.45" is not a 24-hour HH:MM time such as 08:45',
      'bankHolidays[0].date: "2026-02-30" is not a YYYY-MM-DD date',
      'bankHolidays[1].name: required',
      'holidays[0]: ends (2026-06-01) before it starts (2026-06-10)',
      'holidays[1].from: "soon" is not a YYYY-MM-DD date',
    ]);
    expect(readSchoolCalendar('closures').faults).toEqual(['the document must be a mapping with timeZone, dayStart, bankHolidays and holidays']);
    expect(readSchoolCalendar({ holidays: 'none' }).faults).toEqual(['holidays: must be a list']);
  });
});

describe('Encompass notification id', () => {
  const event = '3f2b8c1e-6d7a-4e5f-9a0b-1c2d3e4f5a6b';
  it('is a UUID v5 of the incident event and the child person: the same every time, another for another child', () => {
    const id = schoolNotificationId(event, 'police', 'CP-P-3001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(schoolNotificationId(event, 'police', 'CP-P-3001')).toBe(id);
    expect(schoolNotificationId(event.toUpperCase(), 'police', 'CP-P-3001')).toBe(id);
    expect(schoolNotificationId(event, 'police', 'CP-P-3002')).not.toBe(id);
    expect(schoolNotificationId('3f2b8c1e-6d7a-4e5f-9a0b-1c2d3e4f5a6c', 'police', 'CP-P-3001')).not.toBe(id);
  });
});
