import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { custodyEntryKind, domesticIncidentKind } from '../../libs/contracts/src';
import { parseCsv } from '../../libs/edge/src/import/csv';
import { importFile, ImportProgress, ImportResult } from '../../libs/edge/src/import/importer';
import { InProcessTransport } from '../../libs/messaging/src';
import { startPolice } from '../../apps/police/src/police.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, incident } from '../support/fixtures';
import { ROOT } from '../support/services';

const CUSTODY_COLUMNS = [
  'custodyRef', 'suite', 'arrivedAt', 'offence', 'appropriateAdultRequired', 'appearsUnder18',
  'detainee.personRef', 'detainee.givenName', 'detainee.familyName', 'detainee.dateOfBirth', 'detainee.sex',
  'detainee.address.line1', 'detainee.address.postcode', 'detainee.identifiers.pnc',
] as const;
type CustodyRow = Record<(typeof CUSTODY_COLUMNS)[number], string>;

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function custodyRow(prefix: string, i: number): CustodyRow {
  return {
    custodyRef: `${prefix}-${i}`,
    suite: 'Middlesbrough',
    // fixed times, so a second run of the file offers the very same records
    arrivedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    // quoted cells: commas, doubled quotes and line breaks inside them
    offence: i % 7 === 0 ? 'Assault, "common" (s.39)' : 'Criminal damage',
    appropriateAdultRequired: i % 3 === 0 ? 'true' : 'false',
    appearsUnder18: i % 5 === 1 ? 'true' : '',
    'detainee.personRef': `CP-P-${prefix}-${i}`,
    'detainee.givenName': 'Test',
    'detainee.familyName': `Detainee ${i}`,
    'detainee.dateOfBirth': i % 4 === 0 ? '' : '1990-05-04',
    'detainee.sex': 'M',
    'detainee.address.line1': i % 10 === 0 ? `Flat ${i},\r\n${i} Example Street` : `${i} Example Street`,
    'detainee.address.postcode': 'TS24 7AA',
    'detainee.identifiers.pnc': i % 2 === 0 ? '12/345678A' : '',
  };
}

/** Writes the rows as CSV and returns, per row, the line it starts on. */
async function writeCsv(file: string, rows: CustodyRow[]): Promise<Map<number, number>> {
  const lines = [CUSTODY_COLUMNS.join(',')];
  const lineOf = new Map<number, number>();
  let line = 2;
  rows.forEach((row, i) => {
    const text = CUSTODY_COLUMNS.map((c) => csvCell(row[c])).join(',');
    lineOf.set(i + 1, line);
    line += text.split('\n').length;
    lines.push(text);
  });
  await writeFile(file, lines.join('\r\n') + '\r\n');
  return lineOf;
}

/** Twelve rows spoiled each a different way; the field each must be reported under. */
function spoil(rows: CustodyRow[]): Map<number, string> {
  const expected = new Map<number, string>();
  const at = (row: number, field: string, change: (r: CustodyRow) => void) => {
    change(rows[row - 1]);
    expected.set(row, field);
  };
  at(7, 'arrivedAt', (r) => (r.arrivedAt = '02/03/2025 10:00'));
  at(150, 'detainee.givenName', (r) => (r['detainee.givenName'] = ''));
  at(333, 'appropriateAdultRequired', (r) => (r.appropriateAdultRequired = 'yes'));
  at(499, 'detainee.address.postcode', (r) => (r['detainee.address.postcode'] = 'TS24'));
  // on the first chunk boundary
  at(500, 'arrivedAt', (r) => (r.arrivedAt = new Date(Date.now() + 2 * 86_400_000).toISOString()));
  at(501, 'detainee.dateOfBirth', (r) => (r['detainee.dateOfBirth'] = '1990-02-30'));
  at(777, 'detainee.sex', (r) => (r['detainee.sex'] = 'male'));
  at(1000, 'detainee.identifiers.pnc', (r) => (r['detainee.identifiers.pnc'] = '12345'));
  at(1234, 'custodyRef', (r) => (r.custodyRef = 'MB C 1234'));
  at(1500, 'offence', (r) => (r.offence = ''));
  at(1999, 'appearsUnder18', (r) => (r.appearsUnder18 = 'TRUE'));
  // the ref of row 10 again, for a different record: a conflict, never an overwrite
  at(2000, 'custodyRef', (r) => (r.custodyRef = rows[9].custodyRef));
  return expected;
}

const rowsPerSecond = (r: ImportResult) => Math.round((r.counts.rows * 1000) / r.elapsedMs);
const fieldsByRow = (rejects: { row: number; field: string }[]) => {
  const out = new Map<number, string[]>();
  for (const { row, field } of rejects) out.set(row, [...new Set([...(out.get(row) ?? []), field])]);
  return out;
};

describe('bulk import into the police edge on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  let edgeUrl: string;
  let dir: string;
  const transport = new InProcessTransport();
  const count = async (sql: string) => Number((await query<{ n: string }>(db.url, sql))[0].n);
  const tables = async () => ({
    custody: await count(`SELECT count(*) AS n FROM police.records WHERE kind = 'custody-entry'`),
    incidents: await count(`SELECT count(*) AS n FROM police.domestic_incidents`),
    outbox: await count(`SELECT count(*) AS n FROM police.outbox`),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    app = await startPolice({ transport, databaseUrl: db.url, port });
    edgeUrl = `http://127.0.0.1:${port}`;
    dir = await mkdtemp(join(tmpdir(), 'bulk-import-'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('2,000 custody entries from CSV', () => {
    const file = () => join(dir, 'custody.csv');
    let lineOf: Map<number, number>;
    let expected: Map<number, string>;
    let first: ImportResult;

    beforeAll(async () => {
      const rows = Array.from({ length: 2000 }, (_, i) => custodyRow('MB-C', i + 1));
      expected = spoil(rows);
      lineOf = await writeCsv(file(), rows);
    });

    it('takes the good rows and names exactly the bad rows and their fields', async () => {
      const progress: ImportProgress[] = [];
      first = await importFile({ edgeUrl, kind: custodyEntryKind, file: file(), onProgress: (p) => progress.push(p) });
      console.log(`custody CSV, 2,000 rows: ${rowsPerSecond(first)} rows/s (${first.elapsedMs} ms)`);

      expect(first.counts).toEqual({ rows: 2000, created: 1988, duplicate: 0, rejected: 11, conflict: 1, missingParent: 0 });
      const reported = fieldsByRow(first.rejects);
      expect([...reported.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
      for (const [row, field] of expected) expect({ row, fields: reported.get(row) }).toEqual({ row, fields: [field] });
      // lines count the line breaks inside quoted cells
      for (const reject of first.rejects) expect(reject.line).toBe(lineOf.get(reject.row));
      expect(first.rejects.find((r) => r.row === 333)?.reason).toBe('must be true or false');
      expect(first.rejects.find((r) => r.row === 500)?.reason).toBe('must not be in the future');
      expect(first.rejects.find((r) => r.row === 2000)?.reason).toBe('already used for a different record');

      expect(await tables()).toEqual({ custody: 1988, incidents: 0, outbox: 1988 });
      expect(progress.length).toBeGreaterThanOrEqual(4);
      expect(progress.at(-1)).toMatchObject({ bytesRead: statSync(file()).size, totalBytes: statSync(file()).size });
    });

    it('stores quoted cells exactly: commas, doubled quotes and line breaks', async () => {
      const [stored] = await query<{ record: any }>(db.url, `SELECT record FROM police.records WHERE kind = 'custody-entry' AND ref = 'MB-C-70'`);
      expect(stored.record).toMatchObject({
        offence: 'Assault, "common" (s.39)',
        appropriateAdultRequired: false,
        detainee: { address: { line1: 'Flat 70,\r\n70 Example Street' }, identifiers: { pnc: '12/345678A' } },
      });
      expect(stored.record).not.toHaveProperty('appearsUnder18');
    });

    it('adds nothing when the same file is imported again', async () => {
      const again = await importFile({ edgeUrl, kind: custodyEntryKind, file: file() });
      console.log(`custody CSV again, 2,000 duplicates and rejects: ${rowsPerSecond(again)} rows/s`);
      expect(again.counts).toEqual({ rows: 2000, created: 0, duplicate: 1988, rejected: 11, conflict: 1, missingParent: 0 });
      expect(again.rejects).toEqual(first.rejects);
      expect(await tables()).toEqual({ custody: 1988, incidents: 0, outbox: 1988 });
    });
  });

  describe('DA incidents from NDJSON', () => {
    it('takes incidents with DASH answer arrays, names the bad lines, and adds nothing on a re-run', async () => {
      const file = join(dir, 'incidents.ndjson');
      const lines: string[] = [];
      for (let i = 1; i <= 600; i++) {
        const record: any = { ...incident(`CP-DA-IMP-${i}`, `CP-P-V${i % 150}`, { ticks: i % 20 }), occurredAt: new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString() };
        if (i === 3) record.dash.answers = record.dash.answers.slice(0, 24);
        if (i === 4) record.dash.answers[5] = 'yes';
        if (i === 5) record.colour = 'blue';
        lines.push(JSON.stringify(record));
        if (i === 10) lines.push('');
        if (i === 20) lines.push('{"incidentRef": "CP-DA-IMP-BROKEN"');
      }
      await writeFile(file, lines.join('\n') + '\n');
      const before = await tables();

      const result = await importFile({ edgeUrl, kind: domesticIncidentKind, file });
      console.log(`DA incidents NDJSON, 601 rows: ${rowsPerSecond(result)} rows/s`);
      expect(result.counts).toEqual({ rows: 601, created: 597, duplicate: 0, rejected: 4, conflict: 0, missingParent: 0 });
      // rows count the records, lines count the file's lines (a blank one at line 11)
      expect([...fieldsByRow(result.rejects)]).toEqual([
        [3, ['dash.answers']],
        [4, ['dash.answers']],
        [5, ['colour']],
        [21, ['']],
      ]);
      expect(result.rejects.find((r) => r.row === 21)).toEqual({ row: 21, line: 22, field: '', reason: 'the line is not valid JSON' });
      expect(await tables()).toEqual({ ...before, incidents: 597, outbox: before.outbox + 597 });
      const [graded] = await query<{ ticks: number; risk_level: string }>(db.url, `SELECT ticks, risk_level FROM police.domestic_incidents WHERE incident_ref = 'CP-DA-IMP-15'`);
      expect(graded).toEqual({ ticks: 15, risk_level: 'high' });

      const again = await importFile({ edgeUrl, kind: domesticIncidentKind, file });
      expect(again.counts).toEqual({ rows: 601, created: 0, duplicate: 597, rejected: 4, conflict: 0, missingParent: 0 });
      expect(await tables()).toEqual({ ...before, incidents: 597, outbox: before.outbox + 597 });
    });
  });

  describe('the command', () => {
    const cli = join(ROOT, 'dist', 'libs', 'edge', 'src', 'import', 'import.cli.js');

    beforeAll(async () => {
      // The command runs from the build, as partners run it; a stale build would test old code.
      if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
      const sources = join(ROOT, 'libs', 'edge', 'src', 'import');
      for (const name of await readdir(sources)) {
        if (!name.endsWith('.ts') || name.endsWith('.spec.ts')) continue;
        const built = join(dirname(cli), name.replace(/\.ts$/, '.js'));
        if (!existsSync(built) || statSync(join(sources, name)).mtimeMs > statSync(built).mtimeMs) {
          throw new Error(`${built} is missing or older than ${name}: build first (npm run build)`);
        }
      }
    });

    function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, env: { ...process.env, POLICE_URL: 'http://127.0.0.1:9' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('exits 3 with rejects, prints a summary of counts only, and writes the report', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => custodyRow('CLI-C', i + 1));
      rows[9].appropriateAdultRequired = 'yes';
      rows[99]['detainee.address.postcode'] = 'nowhere';
      rows[199].arrivedAt = 'yesterday';
      const file = join(dir, 'cli custody.csv');
      const lineOf = await writeCsv(file, rows);
      const report = join(dir, 'cli-rejects.csv');
      const before = await tables();

      const { code, stdout, stderr } = await run(['--agency', 'police', '--kind', 'custody-entry', '--file', file, '--edge', edgeUrl, '--report', report]);
      console.log(`the command, 300 rows:\n${stdout}`);
      expect({ code, stderr: stderr.replace(/^import: .*\n/gm, '') }).toEqual({ code: 3, stderr: '' });
      expect(stdout).toContain('rows 300: created 297, duplicate 0, rejected 3, conflict 0, missing parent 0');
      expect(stdout).toContain(`report: 3 rows, 3 faults in ${report}`);
      // no personal data on the terminal: not a name, not an address
      expect(stdout).not.toMatch(/Detainee|Example Street|TS24/);

      const cells = [];
      for await (const record of parseCsv(createReadStream(report))) cells.push(record.cells);
      expect(cells).toEqual([
        ['row', 'line', 'field', 'reason'],
        ['10', String(lineOf.get(10)), 'appropriateAdultRequired', 'must be true or false'],
        ['100', String(lineOf.get(100)), 'detainee.address.postcode', 'must be a full UK postcode, e.g. TS24 7AA'],
        ['200', String(lineOf.get(200)), 'arrivedAt', 'must be an ISO 8601 date-time with offset, e.g. 2026-03-01T22:15:00Z'],
      ]);
      expect(await tables()).toEqual({ ...before, custody: before.custody + 297, outbox: before.outbox + 297 });
      expect(await readFile(report, 'utf8')).toMatch(/^row,line,field,reason\n/);
    });
  });
});
