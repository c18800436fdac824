import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IsInt, IsNumber, IsOptional, IsString } from 'class-validator';
import { custodyEntryKind, CustodyEntryDto, DomesticIncidentDto, validatePayload } from '../../../contracts/src';
import { CsvRecord, parseCsv } from './csv';
import { importFile, ImportFailed, lines } from './importer';
import { CsvRowMapper, HeaderError, ndjsonRecord } from './rows';

/** A stream of `text` in pieces of `size` bytes (1 splits every multi-byte character). */
function pieces(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return Readable.from(out);
}

async function parse(text: string, size = 64 * 1024): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of parseCsv(pieces(text, size))) records.push(record);
  return records;
}

const cellsOf = (records: CsvRecord[]) => records.map((r) => r.cells);

describe('parseCsv', () => {
  const tricky =
    '\uFEFFref,note,town\r\n' +
    'A-1,"Smith, John said ""hello""",Hartlepool\r\n' +
    'A-2,"two\r\nlines, and ""quotes""\nthree",Seaton Carew\r\n' +
    '\r\n' +
    'A-3,,"Café ☕ 🏠"\n' +
    'A-4,"",last';

  it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF and a BOM', async () => {
    expect(cellsOf(await parse(tricky))).toEqual([
      ['ref', 'note', 'town'],
      ['A-1', 'Smith, John said "hello"', 'Hartlepool'],
      ['A-2', 'two\r\nlines, and "quotes"\nthree', 'Seaton Carew'],
      ['A-3', '', 'Café ☕ 🏠'],
      ['A-4', '', 'last'],
    ]);
  });

  it('numbers records and the lines they start on, skipping blank lines', async () => {
    const records = await parse(tricky);
    expect(records.map((r) => [r.recordNumber, r.line])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 7],
      [5, 8],
    ]);
  });

  it.each([1, 2, 3, 5, 7, 13, 64])('gives the same records when the stream arrives in %i-byte pieces', async (size) => {
    expect(await parse(tricky, size)).toEqual(await parse(tricky));
  });

  it('splits a CRLF across pieces into one line break, and takes a lone CR as one', async () => {
    expect(cellsOf(await parse('a,b\r\nc,d\re,f\r\n', 4))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect((await parse('a\r\nb\rc\n', 2)).map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('keeps empty trailing cells and adds no record for a final line break', async () => {
    expect(cellsOf(await parse('a,b,\n,,\n'))).toEqual([
      ['a', 'b', ''],
      ['', '', ''],
    ]);
  });

  it('keeps a quote inside an unquoted cell, and marks text after a closing quote as malformed', async () => {
    const [plain, broken] = await parse('5" pipe,x\n"ab"c,y\n');
    expect(plain).toEqual({ recordNumber: 1, line: 1, cells: ['5" pipe', 'x'] });
    expect(broken.cells).toEqual(['abc', 'y']);
    expect(broken.malformed).toMatch(/after the closing quote of cell 1/);
  });

  it('marks a quote never closed, naming the line it opened on', async () => {
    const records = await parse('a,b\n1,"open\n2,x\n');
    expect(records[1].malformed).toBe('the quote opened on line 2 is never closed');
  });

  it('stops on a record too long to be a record instead of reading the file into memory', async () => {
    const parser = parseCsv(pieces(`a\n"${'x'.repeat(5000)}`, 100), { maxRecordChars: 1000 });
    await expect((async () => {
      for await (const _ of parser) void _;
    })()).rejects.toThrow(/line 2 is longer than 1000 characters/);
  });
});

describe('lines (NDJSON)', () => {
  it('splits LF and CRLF, drops a BOM, keeps the last line without a break, in any piece size', async () => {
    const text = '\uFEFF{"a":1}\r\n\n{"b":"é"}\n{"c":3}';
    for (const size of [1, 3, 1024]) {
      const out = [];
      for await (const l of lines(pieces(text, size))) out.push(l);
      expect(out).toEqual([
        { line: 1, text: '{"a":1}' },
        { line: 2, text: '' },
        { line: 3, text: '{"b":"é"}' },
        { line: 4, text: '{"c":3}' },
      ]);
    }
  });

  it('takes one JSON object per line, and names a line that is not one', () => {
    expect(ndjsonRecord('{"a":[true,1]}')).toEqual({ ok: true, record: { a: [true, 1] } });
    expect(ndjsonRecord('{"a":')).toMatchObject({ ok: false, faults: [{ field: '', reason: 'the line is not valid JSON' }] });
    expect(ndjsonRecord('[1]')).toMatchObject({ ok: false, faults: [{ field: '', reason: 'the line must be one JSON object' }] });
  });
});

class ApplianceLogDto {
  @IsString()
  logRef: string;

  @IsInt()
  appliancesAttending: number;

  @IsOptional() @IsNumber({}, { each: true })
  minutesOnScene?: number[];
}

describe('CsvRowMapper', () => {
  const custodyHeader = [
    'custodyRef', 'suite', 'arrivedAt', 'offence', 'appropriateAdultRequired', 'appearsUnder18',
    'detainee.personRef', 'detainee.givenName', 'detainee.familyName', 'detainee.address.line1', 'detainee.address.postcode',
  ];
  const custodyRow = ['MB-C-1', 'Middlesbrough', '2026-01-02T03:04:05Z', 'Criminal damage', 'false', '', 'CP-P-1', 'Jane', 'Doe', '1 Example Street', 'TS24 7AA'];

  it('builds nested objects from dotted columns, leaving empty cells absent', () => {
    const result = new CsvRowMapper(CustodyEntryDto, custodyHeader).map(custodyRow);
    expect(result).toEqual({
      ok: true,
      record: {
        custodyRef: 'MB-C-1',
        suite: 'Middlesbrough',
        arrivedAt: '2026-01-02T03:04:05Z',
        offence: 'Criminal damage',
        appropriateAdultRequired: false,
        detainee: { personRef: 'CP-P-1', givenName: 'Jane', familyName: 'Doe', address: { line1: '1 Example Street', postcode: 'TS24 7AA' } },
      },
    });
    if (result.ok) expect(validatePayload(CustodyEntryDto, result.record)).toMatchObject({ ok: true });
  });

  it('leaves out a nested object whose cells are all empty', () => {
    const row = [...custodyRow];
    row[9] = '';
    row[10] = '';
    const result = new CsvRowMapper(CustodyEntryDto, custodyHeader).map(row);
    expect(result.ok && result.record.detainee).toEqual({ personRef: 'CP-P-1', givenName: 'Jane', familyName: 'Doe' });
  });

  it.each(['yes', 'TRUE', 'True', '1', ' true'])('takes booleans as exactly true or false: %j is a fault naming the column', (cell) => {
    const row = [...custodyRow];
    row[4] = cell;
    expect(new CsvRowMapper(CustodyEntryDto, custodyHeader).map(row)).toMatchObject({
      ok: false,
      faults: [{ field: 'appropriateAdultRequired', reason: 'must be true or false' }],
    });
  });

  it('parses numbers fully or names the column', () => {
    const mapper = new CsvRowMapper(ApplianceLogDto, ['logRef', 'appliancesAttending', 'minutesOnScene']);
    expect(mapper.map(['L-1', '3', '12|7.5|-1e2'])).toEqual({ ok: true, record: { logRef: 'L-1', appliancesAttending: 3, minutesOnScene: [12, 7.5, -100] } });
    expect(mapper.map(['L-1', '', ''])).toEqual({ ok: true, record: { logRef: 'L-1' } });
    for (const bad of ['3x', '0x1f', ' 3', '1,5', 'NaN', 'Infinity', '.']) {
      expect(mapper.map(['L-1', bad, ''])).toMatchObject({ ok: false, faults: [{ field: 'appliancesAttending', reason: 'must be a number, e.g. 3 or 2.5' }] });
    }
    expect(mapper.map(['L-1', '2', '4||5'])).toMatchObject({ ok: false, faults: [{ field: 'minutesOnScene', reason: 'item 2: must be a number, e.g. 3 or 2.5' }] });
    // a string column stays text even when it looks like a number
    expect(mapper.map(['007', '1', ''])).toMatchObject({ ok: true, record: { logRef: '007' } });
  });

  const daHeader = [
    'incidentRef', 'occurredAt', 'location.postcode', 'victim.personRef', 'victim.givenName', 'victim.familyName',
    'childrenPresent.0.personRef', 'childrenPresent.0.givenName', 'childrenPresent.0.familyName',
    'childrenPresent.1.personRef', 'childrenPresent.1.givenName', 'childrenPresent.1.familyName',
    'dash.form', 'dash.answers',
  ];
  const answers = Array.from({ length: 27 }, (_, i) => i < 3);

  it('builds arrays of objects from numbered columns and arrays of primitives from one |-split cell', () => {
    const mapper = new CsvRowMapper(DomesticIncidentDto, daHeader);
    const result = mapper.map(['DA-1', '2026-01-02T03:04:05Z', 'TS24 7AA', 'P-1', 'Jane', 'Doe', 'P-2', 'Tom', 'Doe', '', '', '', 'police-27', answers.join('|')]);
    expect(result).toEqual({
      ok: true,
      record: {
        incidentRef: 'DA-1',
        occurredAt: '2026-01-02T03:04:05Z',
        location: { postcode: 'TS24 7AA' },
        victim: { personRef: 'P-1', givenName: 'Jane', familyName: 'Doe' },
        childrenPresent: [{ personRef: 'P-2', givenName: 'Tom', familyName: 'Doe' }],
        dash: { form: 'police-27', answers },
      },
    });
    if (result.ok) expect(validatePayload(DomesticIncidentDto, result.record)).toMatchObject({ ok: true });
  });

  it('names a bad item of a |-split boolean list, and a gap in a list of objects', () => {
    const mapper = new CsvRowMapper(DomesticIncidentDto, daHeader);
    const result = mapper.map(['DA-1', '2026-01-02T03:04:05Z', 'TS24 7AA', 'P-1', 'Jane', 'Doe', '', '', '', 'P-3', 'Ann', 'Doe', 'police-27', 'true|yes|false']);
    expect(result).toMatchObject({
      ok: false,
      faults: [
        { field: 'dash.answers', reason: 'item 2: must be true or false' },
        { field: 'childrenPresent.0', reason: expect.stringMatching(/empty while childrenPresent.1 is not/) },
      ],
    });
  });

  it('keeps a column the class does not know, so the edge names it as an unknown field', () => {
    const mapper = new CsvRowMapper(CustodyEntryDto, [...custodyHeader, 'colour', 'detainee.nickname']);
    const result = mapper.map([...custodyRow, 'blue', 'JJ']);
    expect(result.ok && result.record).toMatchObject({ colour: 'blue', detainee: { nickname: 'JJ' } });
    const validated = validatePayload(CustodyEntryDto, result.ok ? result.record : {});
    expect(!validated.ok && validated.faults.map((f) => f.path).sort()).toEqual(['colour', 'detainee.nickname']);
  });

  it('names a row whose cell count differs from the header', () => {
    expect(new CsvRowMapper(CustodyEntryDto, custodyHeader).map(custodyRow.slice(0, 5))).toMatchObject({
      ok: false,
      faults: [{ field: '', reason: 'has 5 cells where the header has 11 columns' }],
    });
  });

  it.each([
    [['custodyRef', 'custodyRef'], /appears twice/],
    [['custodyRef', ''], /empty column name/],
    [['detainee'], /is an object: give its fields as columns/],
    [['childrenPresent.givenName'], /is a list: name its items' fields as childrenPresent.0/],
    [['dash.answers.0'], /as one cell, its values separated by \|/],
    [['suite.name'], /is a single value/],
    [['detainee..givenName'], /not a dotted path/],
    [['__proto__.polluted'], /names no field a record can have/],
    [['detainee.constructor.prototype.polluted'], /names no field a record can have/],
  ])('refuses a header the file cannot be read by: %j', (header, message) => {
    expect(() => new CsvRowMapper(header[0].startsWith('childrenPresent') || header[0].startsWith('dash') ? DomesticIncidentDto : CustodyEntryDto, header)).toThrow(
      expect.objectContaining({ constructor: HeaderError, message: expect.stringMatching(message) }),
    );
  });
});

describe('importFile against a stand-in edge', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let handler: (body: { rows: { row: number; record: any }[] }, res: ServerResponse) => void;
  const bodies: number[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'import-spec-'));
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        bodies.push(raw.length);
        handler(JSON.parse(raw.toString('utf8')), res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    bodies.length = 0;
  });

  const answerAll = (status = 'created') => (body: { rows: { row: number }[] }, res: ServerResponse) =>
    res.end(JSON.stringify({ results: body.rows.map((r) => ({ row: r.row, status, ref: 'x', eventId: 'e' })) }));

  async function ndjsonFile(rows: number, name = 'rows.ndjson'): Promise<string> {
    const file = join(dir, name);
    const line = (i: number) => JSON.stringify({ custodyRef: `C-${i}`, offence: 'x'.repeat(200) });
    await writeFile(file, Array.from({ length: rows }, (_, i) => line(i + 1)).join('\n'));
    return file;
  }

  it('sends chunks no larger than the byte limit and counts every row', async () => {
    handler = answerAll();
    const file = await ndjsonFile(100);
    const result = await importFile({ edgeUrl: url, kind: custodyEntryKind, file, maxChunkBytes: 5_000 });
    expect(result.counts).toEqual({ rows: 100, created: 100, duplicate: 0, rejected: 0, conflict: 0, missingParent: 0 });
    expect(bodies.length).toBeGreaterThan(4);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(5_000);
  });

  it('retries a chunk the edge fails with a 5xx, then carries on', async () => {
    let failures = 2;
    handler = (body, res) => {
      if (failures-- > 0) {
        res.statusCode = 503;
        return res.end('{}');
      }
      answerAll('duplicate')(body, res);
    };
    const file = await ndjsonFile(10);
    const result = await importFile({ edgeUrl: url, kind: custodyEntryKind, file, retryDelayMs: 1 });
    expect(result.counts).toMatchObject({ rows: 10, duplicate: 10 });
    expect(bodies).toHaveLength(3);
  });

  it('fails loudly, naming the first row of the chunk, when the edge keeps failing', async () => {
    handler = (body, res) => {
      if (body.rows[0].row > 4) {
        res.statusCode = 500;
        return res.end('{}');
      }
      answerAll()(body, res);
    };
    const file = await ndjsonFile(10);
    const failed = importFile({ edgeUrl: url, kind: custodyEntryKind, file, chunkRows: 4, attempts: 3, retryDelayMs: 1 });
    await expect(failed).rejects.toThrow(/the chunk starting at row 5 \(line 5\) did not go in: the edge answered 500.*run the same file again/);
    await expect(failed).rejects.toMatchObject({ result: { counts: { created: 4 } } });
    await expect(failed).rejects.toBeInstanceOf(ImportFailed);
  });

  it('fails at once, without retrying, on an answer that retrying cannot change', async () => {
    handler = (_body, res) => {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'this edge takes no records of kind custody-entry', fields: [] }));
    };
    const file = await ndjsonFile(3);
    await expect(importFile({ edgeUrl: url, kind: custodyEntryKind, file, retryDelayMs: 1 })).rejects.toThrow(/answered 404: this edge takes no records/);
    expect(bodies).toHaveLength(1);
  });

  it('does not send rows the file spoiled, and reports all their faults at once with their lines', async () => {
    handler = (body, res) =>
      res.end(JSON.stringify({ results: body.rows.map((r) => (r.record.custodyRef === 'C-2' ? { row: r.row, status: 'rejected', faults: [{ path: 'suite', reason: 'should not be empty' }] } : { row: r.row, status: 'created' })) }));
    const file = join(dir, 'custody.csv');
    await writeFile(
      file,
      'custodyRef,suite,appropriateAdultRequired\r\n' + 'C-1,Middlesbrough,false\r\n' + 'C-2,,true\r\n' + '"C-3\nx",Middlesbrough,yes\r\n' + 'C-4,Middlesbrough,true\r\n',
    );
    const result = await importFile({ edgeUrl: url, kind: custodyEntryKind, file });
    expect(result.counts).toEqual({ rows: 4, created: 2, duplicate: 0, rejected: 2, conflict: 0, missingParent: 0 });
    const row3 = result.rejects.filter((r) => r.row === 3);
    expect(row3[0]).toEqual({ row: 3, line: 4, field: 'appropriateAdultRequired', reason: 'must be true or false' });
    // the rest of row 3 checked here: its bad ref and its missing fields, but nothing more about the boolean
    expect(row3.map((r) => r.field)).toEqual(expect.arrayContaining(['custodyRef', 'arrivedAt', 'detainee', 'offence']));
    expect(row3.filter((r) => r.field === 'appropriateAdultRequired')).toHaveLength(1);
    expect(result.rejects.filter((r) => r.row === 2)).toEqual([{ row: 2, line: 3, field: 'suite', reason: 'should not be empty' }]);
    expect(bodies).toHaveLength(1);
  });
});
