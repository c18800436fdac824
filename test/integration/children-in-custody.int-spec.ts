import { CustodyEntryDto, CustodyNotificationStatusData, CustodyReleasedData, EventTypes, newEvent, PersonDto, recordKind, Topics } from '../../libs/contracts/src';
import { parseCsv } from '../../libs/edge/src/import/csv';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { getJson } from '../support/fixtures';
import { pdfText } from '../support/pdf-text';
import { query } from '../support/postgres';

/**
 * The monthly Children in Custody report (issue 6, point 4): police custody entries and
 * releases go through consolidation onto the custody notifications; hub-api lists every child
 * held 12 hours or more whose custody began in a UK calendar month, per YJS, cut for the reader.
 */

const PURPOSE = 'custody.yjs-notification';
const ACTION = 'custody.report.children-in-custody';
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The UK offset (ms ahead of UTC) at an instant. */
const londonOffset = (at: number) => Date.parse(`${new Date(at).toLocaleString('sv-SE', { timeZone: 'Europe/London' }).replace(' ', 'T')}Z`) - at;
/** A UK wall-clock time as an instant. */
const ukTime = (year: number, month: number, day: number, hour = 0, minute = 0) => {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  return new Date(wall - londonOffset(wall - londonOffset(wall)));
};
const ymOf = (year: number, month: number) => (month < 1 ? { year: year - 1, month: month + 12 } : { year, month });
const label = ({ year, month }: { year: number; month: number }) => `${year}-${String(month).padStart(2, '0')}`;

// The month under review is the previous UK month (the meeting's), so every arrival and release is in the past.
const [nowYear, nowMonth] = new Date().toLocaleString('sv-SE', { timeZone: 'Europe/London' }).slice(0, 7).split('-').map(Number);
const M = ymOf(nowYear, nowMonth - 1);
const BEFORE = ymOf(nowYear, nowMonth - 2);
const LAST_DAY_BEFORE = new Date(Date.UTC(BEFORE.year, BEFORE.month, 0)).getUTCDate();
const at = (day: number, hour = 0, minute = 0) => ukTime(M.year, M.month, day, hour, minute);
const dob = (age: number, day: number) => `${M.year - age}-01-${String(day).padStart(2, '0')}`;

interface Case {
  ref: string;
  person: PersonDto;
  arrivedAt: Date;
  /** held for; undefined: still in custody */
  heldMs?: number;
  outcome?: CustodyReleasedData['outcome'];
  aa?: boolean;
}
const person = (personRef: string, givenName: string, familyName: string, postcode: string, dateOfBirth: string): PersonDto =>
  ({ personRef, givenName, familyName, dateOfBirth, address: { line1: '1 Test Street', postcode } }) as PersonDto;

const CASES: Case[] = [
  // Hartlepool: exactly 12 hours (in), 11 h 59 min (out), still in custody (in; a name with a comma and quotes)
  { ref: 'CC-H-EXACT', person: person('CC-P-1', 'Ava', 'Exact', 'TS24 7AA', dob(15, 3)), arrivedAt: at(3, 10), heldMs: 12 * HOUR, outcome: 'charged', aa: true },
  { ref: 'CC-H-SHORT', person: person('CC-P-2', 'Ben', 'Short', 'TS24 8AB', dob(14, 5)), arrivedAt: at(5, 9), heldMs: 12 * HOUR - MINUTE, outcome: 'bailed' },
  { ref: 'CC-H-STILL', person: person('CC-P-3', 'Cara "CJ"', 'Smith, Jones', 'TS25 1AB', dob(16, 7)), arrivedAt: at(2, 20) },
  // Stockton
  { ref: 'CC-S-1', person: person('CC-P-4', 'Dan', 'Stockwell', 'TS18 1AA', dob(13, 9)), arrivedAt: at(4, 8), heldMs: 20 * HOUR, outcome: 'released-under-investigation' },
  // South Tees (Middlesbrough): 00:30 UK on the 1st is in the month; 23:30 UK on the last day of the month before is not
  { ref: 'CC-M-FIRST', person: person('CC-P-5', 'Eve', 'Boundary', 'TS1 2AB', dob(17, 11)), arrivedAt: at(1, 0, 30), heldMs: 13 * HOUR, outcome: 'no-further-action' },
  { ref: 'CC-M-BEFORE', person: person('CC-P-6', 'Finn', 'Earlier', 'TS1 3AB', dob(15, 13)), arrivedAt: ukTime(BEFORE.year, BEFORE.month, LAST_DAY_BEFORE, 23, 30), heldMs: 15 * HOUR, outcome: 'bailed' },
  // out of area (Darlington) and not yet placed (TS27 spans Hartlepool and County Durham)
  { ref: 'CC-OA-1', person: person('CC-P-7', 'Gus', 'Away', 'DL1 1AA', dob(14, 15)), arrivedAt: at(6, 12), heldMs: 14 * HOUR, outcome: 'bailed' },
  { ref: 'CC-NP-1', person: person('CC-P-8', 'Ivy', 'Unplaced', 'TS27 3AA', dob(12, 17)), arrivedAt: at(8, 1), heldMs: 12.5 * HOUR, outcome: 'transferred-to-la-accommodation' },
  // an adult held 20 hours: no notification, never in the report
  { ref: 'CC-ADULT', person: person('CC-P-9', 'Hal', 'Grown', 'TS24 9AA', dob(30, 19)), arrivedAt: at(7, 10), heldMs: 20 * HOUR, outcome: 'charged' },
  // arrived two hours ago and still there: under 12 hours, in no report
  { ref: 'CC-RECENT', person: person('CC-P-10', 'Jay', 'Recent', 'TS24 6AA', `${nowYear - 15}-02-02`), arrivedAt: new Date(Date.now() - 2 * HOUR) },
];

describe('Children in Custody report on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let navigator: Record<string, string>;
  const report = async (headers: Record<string, string>, q = `month=${label(M)}`) => fetch(`${hub.base}/api/custody/reports/children-in-custody?${q}`, { headers });
  const refsOf = (body: any) => body.groups.flatMap((g: any) => g.rows.map((r: any) => r.custodyRef));

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    const publish = async (topic: string, event: { partitionkey?: string }) => {
      await hub.transport.publisher().publish([{ topic, key: event.partitionkey!, value: JSON.stringify(event) }]);
      await hub.transport.drained();
    };
    const entryKind = recordKind('police', 'custody-entry');
    const releaseKind = recordKind('police', 'custody-release');
    for (const c of CASES) {
      const data: CustodyEntryDto = { custodyRef: c.ref, suite: 'Middlesbrough', arrivedAt: c.arrivedAt.toISOString(), detainee: c.person, offence: 'Theft', appropriateAdultRequired: c.aa ?? false };
      await publish(entryKind.topic, newEvent({ type: entryKind.eventType, source: '/safer-hub/police', partitionKey: entryKind.partitionKey(data), data }));
    }
    for (const c of CASES.filter((x) => x.heldMs !== undefined)) {
      const data: CustodyReleasedData = { custodyRef: c.ref, releasedAt: new Date(c.arrivedAt.getTime() + c.heldMs!).toISOString(), outcome: c.outcome!, detainee: c.person };
      await publish(releaseKind.topic, newEvent({ type: releaseKind.eventType, source: '/safer-hub/police', partitionKey: releaseKind.partitionKey(data), data }));
    }
    // Hartlepool YJS acknowledges the exact-12-hours child's notification
    const [{ id }] = await query<{ id: string }>(hub.db.url, `SELECT id FROM consolidation.custody_notifications WHERE custody_ref = 'CC-H-EXACT'`);
    const ack: CustodyNotificationStatusData = {
      notificationId: id, custodyRef: 'CC-H-EXACT', team: 'hartlepool', status: 'acknowledged', at: new Date(at(3, 10).getTime() + 20 * MINUTE).toISOString(),
      by: { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' },
    };
    await publish(Topics.CustodyInbox, newEvent({ type: EventTypes.CustodyNotificationAcknowledged, source: '/safer-hub/youth-justice', subject: 'CC-H-EXACT', partitionKey: 'CC-H-EXACT', data: ack }));
    navigator = await hub.as('custody-navigator', PURPOSE);
  });
  afterAll(async () => hub?.close());

  it('lists the children held 12 hours or more whose custody began in the UK month, grouped per YJS by arrival, with totals', async () => {
    const res = await report(navigator);
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body).toMatchObject({ month: label(M), thresholdHours: 12, scope: 'all', total: 6, stillInCustody: 1, withheld: 0 });
    expect(body.from).toMatch(/^\d{4}-\d{2}-01T00:00:00\+0[01]:00$/);
    expect(body.groups.map((g: any) => [g.title, g.total, g.rows.map((r: any) => r.custodyRef)])).toEqual([
      ['Hartlepool YJS', 2, ['CC-H-STILL', 'CC-H-EXACT']],
      ['Stockton YJS', 1, ['CC-S-1']],
      ['South Tees YJS', 1, ['CC-M-FIRST']],
      ['Out of area: Darlington', 1, ['CC-OA-1']],
      ['Not yet placed', 1, ['CC-NP-1']],
    ]);
    // 11 h 59 min is out, the adult is out, the last evening of the month before is out, two hours so far is out
    for (const out of ['CC-H-SHORT', 'CC-ADULT', 'CC-M-BEFORE', 'CC-RECENT']) expect(refsOf(body)).not.toContain(out);
    // the adult was never a custody notification at all
    expect(await query(hub.db.url, `SELECT 1 FROM consolidation.custody_notifications WHERE custody_ref = 'CC-ADULT'`)).toEqual([]);

    const [still, exact] = body.groups[0].rows;
    expect(exact).toEqual({
      subjectId: expect.any(String), custodyRef: 'CC-H-EXACT', child: { givenName: 'Ava', familyName: 'Exact', dateOfBirth: dob(15, 3) },
      arrivedAt: expect.stringMatching(/T10:00:00\+0[01]:00$/), releasedAt: expect.stringMatching(/T22:00:00\+0[01]:00$/), stillInCustody: false, hoursHeld: 12,
      outcome: 'charged', appropriateAdultRequired: true, acknowledged: { at: expect.stringMatching(/T10:20:00\+0[01]:00$/), by: 'Jo Bell (Hartlepool YJS)' },
    });
    expect(Date.parse(exact.arrivedAt)).toBe(at(3, 10).getTime());
    expect(still).toMatchObject({ custodyRef: 'CC-H-STILL', child: { givenName: 'Cara "CJ"', familyName: 'Smith, Jones' }, stillInCustody: true, appropriateAdultRequired: false });
    expect(still.hoursHeld).toBeGreaterThan(12);
    expect(still.releasedAt).toBeUndefined();
    expect(still.outcome).toBeUndefined();
    // only what the custody clause gives: no postcode, no personRef, no identifiers
    expect(Object.keys(still.child).sort()).toEqual(['dateOfBirth', 'familyName', 'givenName']);
    expect(body.groups[2].rows[0]).toMatchObject({ custodyRef: 'CC-M-FIRST', arrivedAt: expect.stringMatching(/-01T00:30:00\+0[01]:00$/), hoursHeld: 13 });

    // the month before holds the 23:30 arrival (and not the 00:30 one)
    const before: any = await (await report(navigator, `month=${label(BEFORE)}`)).json();
    expect(refsOf(before)).toEqual(['CC-M-BEFORE']);
  });

  it('audits one row per child listed, naming the custody clauses released', async () => {
    const rows = await query<{ subject_id: string; decision: string; clauses: string[]; reason: string }>(
      hub.db.url,
      `SELECT subject_id, decision, clauses, reason FROM hub.audit_log WHERE action = $1 AND actor = 'custody-navigator' AND reason = $2 ORDER BY id`,
      [ACTION, `${label(M)} json`],
    );
    const listed = await query<{ subject_id: string }>(
      hub.db.url,
      `SELECT subject_id FROM consolidation.custody_notifications WHERE custody_ref = ANY($1::text[])`,
      [['CC-H-EXACT', 'CC-H-STILL', 'CC-S-1', 'CC-M-FIRST', 'CC-OA-1', 'CC-NP-1']],
    );
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.subject_id).sort()).toEqual(listed.map((r) => r.subject_id).sort());
    for (const r of rows) expect(r.clauses[0]).toBe('custody.custody-entry');
    expect(rows.find((r) => r.clauses.includes('custody.custody-release'))).toBeDefined();
    expect(new Set(rows.map((r) => r.decision))).toEqual(new Set(['partly-redacted'])); // offence, suite, the child's address and ids are withheld from the reader
  });

  it('gives a YJS officer only their own team, and refuses a role the purpose does not name', async () => {
    const hartlepool: any = await (await report(await hub.as('yjs-hartlepool', PURPOSE))).json();
    expect(hartlepool).toMatchObject({ scope: 'hartlepool', total: 2 });
    expect(hartlepool.groups.map((g: any) => g.title)).toEqual(['Hartlepool YJS']);
    expect(refsOf(hartlepool)).toEqual(['CC-H-STILL', 'CC-H-EXACT']);
    const stockton: any = await (await report(await hub.as('yjs-stockton', PURPOSE))).json();
    expect(refsOf(stockton)).toEqual(['CC-S-1']);
    const manager: any = await (await report(await hub.as('yjs-manager-hartlepool', PURPOSE))).json();
    expect(refsOf(manager)).toEqual(['CC-H-STILL', 'CC-H-EXACT']);
    const audited = await query<{ n: number }>(hub.db.url, `SELECT count(*)::int AS n FROM hub.audit_log WHERE action = $1 AND actor = 'yjs-hartlepool'`, [ACTION]);
    expect(audited[0].n).toBe(2);

    expect((await report(await hub.as('analyst', PURPOSE))).status).toBe(403);
    expect((await report(await hub.as('analyst', 'analytics.depersonalised'))).status).toBe(403);
  });

  it('exports CSV that parses back, names with commas and quotes included', async () => {
    const res = await report(navigator, `month=${label(M)}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="children-in-custody-${label(M)}.csv"`);
    const text = await res.text();
    const records: string[][] = [];
    for await (const r of parseCsv((async function* () { yield text; })())) {
      expect(r.malformed).toBeUndefined();
      records.push(r.cells);
    }
    const [header, ...rows] = records;
    expect(header).toEqual(['YJS', 'Custody ref', 'Given name', 'Family name', 'Date of birth', 'Arrived', 'Released', 'Hours held', 'Outcome', 'Appropriate adult required', 'Acknowledged at', 'Acknowledged by']);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['Hartlepool YJS', 'CC-H-STILL'], ['Hartlepool YJS', 'CC-H-EXACT'], ['Stockton YJS', 'CC-S-1'], ['South Tees YJS', 'CC-M-FIRST'], ['Out of area: Darlington', 'CC-OA-1'], ['Not yet placed', 'CC-NP-1'],
    ]);
    expect(rows[0].slice(2, 5)).toEqual(['Cara "CJ"', 'Smith, Jones', dob(16, 7)]);
    expect(rows[0][6]).toBe('still in custody');
    expect(rows[1].slice(5)).toEqual([expect.stringMatching(/T10:00:00\+0[01]:00$/), expect.stringMatching(/T22:00:00\+0[01]:00$/), '12.0', 'charged', 'yes', expect.stringMatching(/T10:20:00\+0[01]:00$/), 'Jo Bell (Hartlepool YJS)']);
  });

  it('renders the PDF with the marking, the children and the reader on every page', async () => {
    const res = await report(navigator, `month=${label(M)}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="children-in-custody-${label(M)}.pdf"`);
    const { pages, text } = await pdfText(Buffer.from(await res.arrayBuffer()));
    const flat = text.replace(/\s+/g, ' '); // table cells wrap
    for (const [i, page] of pages.entries()) {
      expect(page).toContain('OFFICIAL-SENSITIVE');
      expect(page).toContain(`Prepared for Alex Reed (custody navigator) (custody-navigator, yjs-south-tees) at `);
      expect(page).toContain(`page ${i + 1} of ${pages.length}`);
    }
    expect(flat).toContain('Ava Exact');
    expect(flat).toContain('Cara "CJ" Smith, Jones');
    expect(flat).toContain('still in custody');
    expect(flat).toMatch(/Hartlepool YJS: 2/);
    expect(flat).not.toContain('Ben Short');
    expect(flat).toMatch(/\d{4}-\d{2}-03 10:00 (GMT|BST)/); // UK local time
  });

  it('refuses a bad month or format, naming each', async () => {
    const bad = await report(navigator, 'month=2026-13');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).fields).toEqual([{ path: 'month', reason: expect.any(String) }]);
    const both = await getJson(`${hub.base}/api/custody/reports/children-in-custody?month=last&format=docx`, navigator);
    expect(both.status).toBe(400);
    expect(both.body.fields.map((f: { path: string }) => f.path)).toEqual(['month', 'format']);
    expect((await report(navigator, `month=${nowYear + 1}-01`)).status).toBe(400);
  });
});
