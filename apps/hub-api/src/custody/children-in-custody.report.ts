import { DataSource } from 'typeorm';
import { CustodyEntryDto, CustodyReleasedData, CustodyRoute, wallClock, YJS_TEAMS, YjsTeam, zonedTime } from '../../../../libs/contracts/src';
import { PolicyDecisionPoint, ReleasesBySubject } from '../../../../libs/isa/src';
import { PdfDocumentSpec, PdfSection } from '../../../../libs/platform/src';
import { HubUser } from '../auth/demo-users';
import { Restrictions } from '../subject-rights/restrictions';

/** The monthly Children in Custody meeting reviews every child held this long or longer (domain.md §2, pack-2023 L1336). */
export const REVIEW_THRESHOLD_HOURS = 12;
export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const HOUR_MS = 3_600_000;
const TEAM_TITLES: Record<YjsTeam, string> = { hartlepool: 'Hartlepool YJS', stockton: 'Stockton YJS', 'south-tees': 'South Tees YJS' };

/** Whom the report is for: a custody navigator sees every YJS and the children not yet placed; a YJS officer or manager only their own team. */
export type ReportScope = { all: true } | { all: false; team: YjsTeam };

/** The child as the custody entry's clause releases them to this reader: a field the clause does not give is absent. */
export interface ReportChild {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
}

export interface ReportRow {
  subjectId: string;
  custodyRef?: string;
  child: ReportChild;
  /** UK local time with its offset, e.g. `2026-03-02T01:10:00+00:00` */
  arrivedAt?: string;
  releasedAt?: string;
  /** no release yet: counted once the threshold has passed, hours held so far */
  stillInCustody: boolean;
  /** released (or now) − arrived, in hours, cut down to one decimal (11 h 59 min is 11.9, never 12.0) */
  hoursHeld?: number;
  outcome?: string;
  appropriateAdultRequired?: boolean;
  /** when the home YJS acknowledged the notification, and who */
  acknowledged?: { at: string; by?: string };
}

export interface ReportGroup {
  /** `yjs:hartlepool`, `out-of-area:Darlington`, `out-of-area:` (authority not known), `needs-placement` */
  key: string;
  title: string;
  route: CustodyRoute;
  team?: YjsTeam;
  localAuthority?: string;
  total: number;
  stillInCustody: number;
  rows: ReportRow[];
}

export interface ChildrenInCustodyReport {
  month: string;
  /** the UK calendar month: from its first midnight (inclusive) to the next month's (exclusive), UK time with offset */
  from: string;
  to: string;
  thresholdHours: number;
  generatedAt: string;
  scope: 'all' | YjsTeam;
  groups: ReportGroup[];
  total: number;
  stillInCustody: number;
  /** children in scope this reader's clauses give nothing of (not listed) */
  withheld: number;
}

// ------------------------------------------------------------------------------------------
// UK time

/** The UK wall-clock reading of an instant and its offset from UTC (0 in GMT, 60 in BST). */
function londonWall(at: Date): { y: string; mo: string; d: string; h: string; mi: string; s: string; offsetMinutes: number } {
  const wall = wallClock(at);
  const [date, time] = new Date(wall).toISOString().slice(0, 19).split('T');
  const [y, mo, d] = date.split('-');
  const [h, mi, s] = time.split(':');
  return { y, mo, d, h, mi, s, offsetMinutes: Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000) };
}

/** `2026-07-02T02:10:00+01:00`: the UK wall-clock time with its offset from UTC. */
export function ukIso(at: Date): string {
  const w = londonWall(at);
  const off = Math.abs(w.offsetMinutes);
  const sign = w.offsetMinutes < 0 ? '-' : '+';
  return `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}:${w.s}${sign}${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`;
}

/** `2026-07-02 02:10 BST`, for people reading the PDF. */
export function ukLocal(at: Date): string {
  const w = londonWall(at);
  return `${w.y}-${w.mo}-${w.d} ${w.h}:${w.mi} ${w.offsetMinutes === 0 ? 'GMT' : 'BST'}`;
}

/** The instant of midnight at the start of the 1st of a month in the UK (GMT or BST). */
const ukMonthStart = (year: number, month: number): Date => zonedTime(`${year}-${String(month).padStart(2, '0')}-01`, '00:00');

/** `YYYY-MM` → the UK calendar month as instants, or undefined when it is not a month. */
export function ukMonth(month: string): { month: string; from: Date; to: Date; label: string } | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return undefined;
  const [year, mon] = [Number(m[1]), Number(m[2])];
  const label = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.UTC(year, mon - 1, 15));
  return { month, from: ukMonthStart(year, mon), to: ukMonthStart(mon === 12 ? year + 1 : year, mon === 12 ? 1 : mon + 1), label };
}

/** The UK calendar month before the one `now` falls in: what the monthly meeting reviews. */
export function previousUkMonth(now: Date): string {
  const w = londonWall(now);
  const [y, m] = [Number(w.y), Number(w.mo)];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Hours between two instants, cut down to one decimal. */
export function hoursHeld(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / (HOUR_MS / 10)) / 10;
}

// ------------------------------------------------------------------------------------------
// the query

interface NotificationRow {
  custody_ref: string;
  subject_id: string;
  arrived_at: Date;
  released_at: Date | null;
  route: CustodyRoute;
  team: YjsTeam | null;
  local_authority: string | null;
  acknowledged_at: Date | null;
  acknowledged_by: { sub?: string; name?: string } | null;
  entry_type: string | null;
  entry: Record<string, unknown> | null;
  release_type: string | null;
  release: Record<string, unknown> | null;
}

/**
 * Builds the report for one reader: the custody notifications of children who arrived in the
 * UK calendar month and were held 12 hours or more (a child not yet released counts once 12
 * hours have passed), in the reader's scope. Everything shown of each child comes from the
 * police custody entry and release records as the policy decision point cuts them for the
 * reader's roles and purpose (one Release per child, for the audit); the notification itself
 * (hub data) decides only who is in the report, which YJS they belong to, and the inbox's
 * acknowledgement. A child whose entry the reader's clauses do not release is left out and
 * counted as withheld; a restricted subject (UK GDPR Art 18) is left out.
 */
export class ChildrenInCustodyReporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
    private readonly restrictions: Restrictions,
  ) {}

  async build(
    period: { month: string; from: Date; to: Date },
    scope: ReportScope,
    reader: { roles: readonly string[]; purpose: string },
    now = new Date(),
  ): Promise<{ report: ChildrenInCustodyReport; releases: ReleasesBySubject; subjectIds: string[] }> {
    // The entry and release are read from the chronology by its unique key (agency, kind,
    // record_ref, ...) and must be the very events the notification was raised and updated from.
    // The notification's subject is the detainee's current one: merges and unlinks move it.
    const rows: NotificationRow[] = await this.dataSource.query(
      `SELECT n.custody_ref, n.subject_id, n.arrived_at, n.released_at, n.route, n.team, n.local_authority,
              n.acknowledged_at, n.acknowledged_by, e.event_type AS entry_type, e.record AS entry, r.event_type AS release_type, r.record AS release
         FROM consolidation.custody_notifications n
         LEFT JOIN LATERAL (
           SELECT c.event_type, c.record FROM consolidation.chronology c
            WHERE c.agency = 'police' AND c.kind = 'custody-entry' AND c.record_ref = n.custody_ref AND c.role = 'detainee' AND c.event_id = n.custody_event_id
            LIMIT 1) e ON true
         LEFT JOIN LATERAL (
           SELECT c.event_type, c.record FROM consolidation.chronology c
            WHERE n.release_event_id IS NOT NULL AND c.agency = 'police' AND c.kind = 'custody-release' AND c.record_ref = n.custody_ref AND c.role = 'detainee'
              AND c.event_id = n.release_event_id
            LIMIT 1) r ON true
        WHERE n.arrived_at >= $1 AND n.arrived_at < $2
          AND COALESCE(n.released_at, $3::timestamptz) - n.arrived_at >= make_interval(hours => $4)
          AND ($5::text IS NULL OR (n.route = 'yjs' AND n.team = $5))
        ORDER BY n.arrived_at, n.custody_ref`,
      [period.from.toISOString(), period.to.toISOString(), now.toISOString(), REVIEW_THRESHOLD_HOURS, scope.all ? null : scope.team],
    );
    const restricted = await this.restrictions.restricted([...new Set(rows.map((r) => r.subject_id))]);
    const releases = new ReleasesBySubject(this.policy, { roles: reader.roles, purpose: reader.purpose, at: now });

    const groups = new Map<string, ReportGroup>();
    const yjsGroup = (team: YjsTeam): ReportGroup => ({ key: `yjs:${team}`, title: TEAM_TITLES[team], route: 'yjs', team, total: 0, stillInCustody: 0, rows: [] });
    // every YJS in scope has its line, with nobody in it if need be
    for (const team of scope.all ? YJS_TEAMS : [scope.team]) groups.set(`yjs:${team}`, yjsGroup(team));

    const subjectIds: string[] = [];
    let withheld = 0;
    for (const r of rows) {
      if (restricted.has(r.subject_id)) continue;
      const release = releases.for(r.subject_id);
      const entry = r.entry && r.entry_type ? release.of(r.entry_type, r.entry) : undefined;
      if (entry?.tier !== 'fields') {
        withheld++;
        continue;
      }
      const e = entry.data as Partial<CustodyEntryDto>;
      const out = r.release && r.release_type ? release.of(r.release_type, r.release) : undefined;
      const x = out?.tier === 'fields' ? (out.data as Partial<CustodyReleasedData>) : undefined;
      const arrived = e.arrivedAt ? new Date(e.arrivedAt) : undefined;
      const released = x?.releasedAt ? new Date(x.releasedAt) : undefined;
      const stillInCustody = r.released_at === null;
      const end = stillInCustody ? now : released;
      const child: ReportChild = {};
      for (const f of ['givenName', 'familyName', 'dateOfBirth'] as const) if (typeof e.detainee?.[f] === 'string') child[f] = e.detainee[f];
      const row: ReportRow = {
        subjectId: r.subject_id,
        ...(e.custodyRef !== undefined ? { custodyRef: e.custodyRef } : {}),
        child,
        ...(arrived ? { arrivedAt: ukIso(arrived) } : {}),
        ...(released ? { releasedAt: ukIso(released) } : {}),
        stillInCustody,
        ...(arrived && end ? { hoursHeld: hoursHeld(arrived, end) } : {}),
        ...(x?.outcome !== undefined ? { outcome: x.outcome } : {}),
        ...(e.appropriateAdultRequired !== undefined ? { appropriateAdultRequired: e.appropriateAdultRequired } : {}),
        ...(r.acknowledged_at ? { acknowledged: { at: ukIso(new Date(r.acknowledged_at)), ...(r.acknowledged_by?.name ? { by: r.acknowledged_by.name } : {}) } } : {}),
      };
      const key = r.route === 'yjs' && r.team ? `yjs:${r.team}` : r.route === 'out-of-area' ? `out-of-area:${r.local_authority ?? ''}` : 'needs-placement';
      let group = groups.get(key);
      if (!group) {
        group =
          r.route === 'yjs' && r.team
            ? yjsGroup(r.team)
            : r.route === 'out-of-area'
              ? {
                  key, route: 'out-of-area', ...(r.local_authority ? { localAuthority: r.local_authority } : {}),
                  title: `Out of area: ${r.local_authority ?? 'local authority not known'}`, total: 0, stillInCustody: 0, rows: [],
                }
              : { key, route: 'needs-placement', title: 'Not yet placed', total: 0, stillInCustody: 0, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
      group.total++;
      if (stillInCustody) group.stillInCustody++;
      subjectIds.push(r.subject_id);
    }

    const rank = (g: ReportGroup) => (g.route === 'yjs' ? YJS_TEAMS.indexOf(g.team!) : g.route === 'out-of-area' ? 10 : 20);
    const ordered = [...groups.values()].sort(
      (a, b) => rank(a) - rank(b) || (a.localAuthority === undefined ? 1 : 0) - (b.localAuthority === undefined ? 1 : 0) || (a.localAuthority ?? '').localeCompare(b.localAuthority ?? ''),
    );
    const report: ChildrenInCustodyReport = {
      month: period.month,
      from: ukIso(period.from),
      to: ukIso(period.to),
      thresholdHours: REVIEW_THRESHOLD_HOURS,
      generatedAt: ukIso(now),
      scope: scope.all ? 'all' : scope.team,
      groups: ordered,
      total: ordered.reduce((n, g) => n + g.total, 0),
      stillInCustody: ordered.reduce((n, g) => n + g.stillInCustody, 0),
      withheld,
    };
    return { report, releases, subjectIds: [...new Set(subjectIds)] };
  }
}

// ------------------------------------------------------------------------------------------
// CSV (RFC 4180)

const CSV_COLUMNS = [
  'YJS', 'Custody ref', 'Given name', 'Family name', 'Date of birth', 'Arrived', 'Released', 'Hours held', 'Outcome', 'Appropriate adult required', 'Acknowledged at', 'Acknowledged by',
];

/**
 * One cell: quoted when it holds a comma, quote or line break, quotes doubled (RFC 4180).
 * Text that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or CR)
 * is led by an apostrophe (OWASP CSV injection).
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row, then one row per child in group order; CRLF line ends. Totals are in the JSON and the PDF (counting rows per YJS gives them). */
export function childrenInCustodyCsv(report: ChildrenInCustodyReport): string {
  const lines = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const g of report.groups) {
    for (const r of g.rows) {
      lines.push(
        [
          g.title, r.custodyRef, r.child.givenName, r.child.familyName, r.child.dateOfBirth, r.arrivedAt, r.stillInCustody ? 'still in custody' : r.releasedAt,
          r.hoursHeld?.toFixed(1), r.outcome, r.appropriateAdultRequired, r.acknowledged?.at, r.acknowledged?.by,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

// ------------------------------------------------------------------------------------------
// PDF

/**
 * Six columns (the platform's tables share A4 width equally): the release time and its
 * outcome are one police record and share a cell; whether an appropriate adult was needed
 * goes with the child. Dates and times sit on separate lines so nothing breaks mid-word.
 */
const PDF_COLUMNS = ['Custody ref', 'Child', 'Arrived', 'Released and outcome', 'Hours held', 'Acknowledged by the YJS'];
const local = (iso?: string) => (iso ? ukLocal(new Date(iso)).replace(' ', '\n') : '');
const OUTCOME_TEXT: Record<string, string> = { 'transferred-to-la-accommodation': 'transferred to local authority accommodation' };
const outcomeText = (o?: string) => (o ? (OUTCOME_TEXT[o] ?? o.replace(/-/g, ' ')) : '');

function childCell(r: ReportRow): string {
  const c = r.child;
  const name = [c.givenName, c.familyName].filter(Boolean).join(' ');
  const aa = r.appropriateAdultRequired === undefined ? undefined : r.appropriateAdultRequired ? 'appropriate adult required' : 'no appropriate adult required';
  return [name || '(name not shared with you)', c.dateOfBirth && `born ${c.dateOfBirth}`, aa].filter(Boolean).join('\n');
}

function releasedCell(r: ReportRow): string {
  if (r.stillInCustody) return 'still in custody';
  return [local(r.releasedAt), outcomeText(r.outcome)].filter(Boolean).join('\n');
}

/** The report as a document for the meeting: UK local times, one table per YJS with its total, the overall total. */
export function childrenInCustodyPdf(report: ChildrenInCustodyReport, label: string, reader: HubUser, preparedAt: Date): PdfDocumentSpec {
  const sections: PdfSection[] = [
    {
      heading: 'About this report',
      paragraphs: [
        `Every child (10 to 17, or appearing under 18) whose custody began in ${label}, UK time (${ukLocal(new Date(report.from))} to ${ukLocal(new Date(report.to))}), and who was held ${report.thresholdHours} hours or more: from arrival to release, or to the time of this report for a child still in custody. Hours are cut down to one decimal.`,
        report.scope === 'all' ? 'All youth justice services, out-of-area children and children not yet placed.' : `${TEAM_TITLES[report.scope]} only.`,
        'Each child is shown as the information sharing agreement releases them to you for notifying the home YJS: a detail not shared with you is left blank. Times are UK local time.',
        ...(report.withheld ? [`${report.withheld} further ${report.withheld === 1 ? 'child is' : 'children are'} not shared with you and not listed.`] : []),
      ],
    },
    {
      heading: 'Totals',
      facts: [
        ...report.groups.map((g) => [g.title, `${g.total}${g.stillInCustody ? ` (${g.stillInCustody} still in custody)` : ''}`] as [string, string]),
        ['All', `${report.total}${report.stillInCustody ? ` (${report.stillInCustody} still in custody)` : ''}`],
      ],
    },
    ...report.groups.map(
      (g): PdfSection =>
        g.rows.length === 0
          ? { heading: `${g.title}: none`, paragraphs: [`No child held ${report.thresholdHours} hours or more.`] }
          : {
              heading: `${g.title}: ${g.total}`,
              table: {
                columns: PDF_COLUMNS,
                rows: g.rows.map((r) => [
                  r.custodyRef ?? '',
                  childCell(r),
                  local(r.arrivedAt),
                  releasedCell(r),
                  r.hoursHeld === undefined ? '' : `${r.hoursHeld.toFixed(1)}${r.stillInCustody ? ' so far' : ''}`,
                  r.acknowledged ? [r.acknowledged.by, local(r.acknowledged.at)].filter(Boolean).join('\n') : 'not acknowledged',
                ]),
              },
            },
    ),
  ];
  return {
    title: `Children in Custody: held ${report.thresholdHours} hours or more, ${label}`,
    preparedFor: { name: reader.name, role: reader.roles.join(', '), agency: reader.agency },
    preparedAt,
    sections,
  };
}
