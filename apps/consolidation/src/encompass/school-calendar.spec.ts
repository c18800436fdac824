import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSchoolCalendarFile, loadSchoolCalendar, SchoolCalendarFileError } from './school-calendar';

describe('school calendar loader', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const saved = process.env.SCHOOL_CALENDAR_FILE;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'school-calendar-'))));
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SCHOOL_CALENDAR_FILE;
    else process.env.SCHOOL_CALENDAR_FILE = saved;
  });

  it('reads deploy/schools/calendar.yaml by default', () => {
    delete process.env.SCHOOL_CALENDAR_FILE;
    expect(defaultSchoolCalendarFile()).toMatch(/deploy\/schools\/calendar\.yaml$/);
    const calendar = loadSchoolCalendar(undefined, new Date('2026-01-01T00:00:00Z'));
    expect(calendar).toMatchObject({ timeZone: 'Europe/London', dayStart: '08:45' });
    expect(calendar.closures.length).toBeGreaterThan(30);
  });

  it('reads the file SCHOOL_CALENDAR_FILE names', () => {
    process.env.SCHOOL_CALENDAR_FILE = write('cal.yaml', "dayStart: '09:00'\nbankHolidays:\n  - { date: '2026-05-04', name: Early May }\n");
    expect(loadSchoolCalendar(undefined, new Date('2026-01-01T00:00:00Z'))).toEqual({
      timeZone: 'Europe/London', dayStart: '09:00', closures: [{ name: 'Early May', from: '2026-05-04', to: '2026-05-04' }],
    });
  });

  it('refuses a bad file, naming the file and each fault', () => {
    const file = write('bad.yaml', "timeZone: Mars/Olympus\ndayStart: '25:00'\nholidays:\n  - { name: Half term, from: '2026-02-20', to: '2026-02-16' }\n");
    let error: unknown;
    try {
      loadSchoolCalendar(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchoolCalendarFileError);
    expect((error as SchoolCalendarFileError).faults).toEqual([
      'timeZone: "Mars/Olympus" is not an IANA time zone such as Europe/London',
      'dayStart: "25:00" is not a 24-hour HH:MM time such as 08:45',
      'holidays[0]: ends (2026-02-16) before it starts (2026-02-20)',
    ]);
    expect((error as Error).message).toBe(`school calendar ${file} cannot be used: ${(error as SchoolCalendarFileError).faults.join('; ')}`);
  });

  it('refuses a calendar that leaves no school day', () => {
    const file = write('closed.yaml', "holidays:\n  - { name: Closed, from: '2026-01-01', to: '2028-12-31' }\n");
    expect(() => loadSchoolCalendar(file, new Date('2026-03-01T00:00:00Z'))).toThrow(`school calendar ${file} cannot be used: closures: nextSchoolDayStart: no school day within 400 days`);
  });

  it('refuses a missing file and one that is not YAML', () => {
    expect(() => loadSchoolCalendar(join(dir, 'none.yaml'))).toThrow(`school calendar ${join(dir, 'none.yaml')} cannot be used: no such file`);
    const file = write('broken.yaml', 'holidays: [\n');
    expect(() => loadSchoolCalendar(file)).toThrow(new RegExp(`school calendar ${file} cannot be used: not YAML`));
  });
});
