import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { calendarRunsTo, nextSchoolDayStart, readSchoolCalendar, SchoolCalendar } from '../../../../libs/contracts/src';
import { defaultAgreementsDir } from '../../../../libs/isa/src';
import { HubLogger } from '../../../../libs/platform/src';

/** deploy/schools/calendar.yaml, found beside deploy/isa (in the repository and in the image). */
export function defaultSchoolCalendarFile(): string {
  return join(defaultAgreementsDir(), '..', 'schools', 'calendar.yaml');
}

/** A school calendar consolidation cannot use: names the file and every fault. */
export class SchoolCalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly faults: string[],
  ) {
    super(`school calendar ${file} cannot be used: ${faults.join('; ')}`);
    this.name = 'SchoolCalendarFileError';
  }
}

/**
 * The school calendar Operation Encompass counts school days by: `SCHOOL_CALENDAR_FILE`, or
 * deploy/schools/calendar.yaml. A missing, unreadable or wrong file stops consolidation at
 * start, naming the file and each fault: a wrong calendar would set wrong deadlines silently.
 * A calendar that runs out within `warnDays` is logged, as beyond it only weekends are known.
 */
export function loadSchoolCalendar(file = process.env.SCHOOL_CALENDAR_FILE || defaultSchoolCalendarFile(), now = new Date(), warnDays = 60): SchoolCalendar {
  if (!existsSync(file)) throw new SchoolCalendarFileError(file, ['no such file (set SCHOOL_CALENDAR_FILE, or ship deploy/schools/calendar.yaml)']);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SchoolCalendarFileError(file, [`not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`]);
  }
  const read = readSchoolCalendar(doc);
  if (!read.calendar) throw new SchoolCalendarFileError(file, read.faults);
  try {
    nextSchoolDayStart(now, read.calendar);
  } catch (error) {
    throw new SchoolCalendarFileError(file, [`closures: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const runsTo = calendarRunsTo(read.calendar);
  const horizon = new Date(now.getTime() + warnDays * 86_400_000).toISOString().slice(0, 10);
  if (!runsTo || runsTo < horizon) {
    new HubLogger('encompass').warn('the school calendar runs out soon: beyond its last closure only weekends are known; add the next school year', { file, runsTo: runsTo ?? null });
  }
  return read.calendar;
}
