import { INestApplication } from '@nestjs/common';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFire } from '../../apps/fire/src/fire.bootstrap';
import { startPolice } from '../../apps/police/src/police.bootstrap';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { freePort, getJson, postJson } from '../support/fixtures';
import { query } from '../support/postgres';

const OFFICER_PURPOSE = 'community-trigger.case-review';
const FIRE_COLUMNS = ['incidentRef', 'occurredAt', 'location.ward', 'location.postcode', 'location.site', 'propertyType', 'appliancesAttending', 'casualties', 'rescues', 'derelict', 'suspectedArson'];

const fire = (incidentRef: string) => ({
  incidentRef,
  occurredAt: '2026-03-01T21:40:00Z',
  location: { ward: 'Headland and Harbour', postcode: 'TS24 0AA', site: 'Old Co-op' },
  propertyType: 'derelict-building',
  appliancesAttending: 2,
  casualties: 0,
  rescues: 0,
  derelict: true,
  suspectedArson: true,
});

/** `rows` deliberate fires as CSV; the rows named in `bad` spoiled (a postcode, a property type, a date). */
function firesCsv(prefix: string, rows: number, bad: number[]): string {
  const lines = [FIRE_COLUMNS.join(',')];
  for (let i = 1; i <= rows; i++) {
    const cells = [`${prefix}-${i}`, new Date(Date.UTC(2019, 0, 1) + i * 3_600_000).toISOString(), 'Victoria', 'TS24 7AA', `Site ${i}`, 'refuse', '1', '0', '0', 'false', 'true'];
    if (bad[0] === i) cells[3] = 'TS24';
    if (bad[1] === i) cells[5] = 'shed';
    if (bad[2] === i) cells[1] = 'last Tuesday';
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The gateway's NDJSON answer, line by line, with which network read each line came in. */
async function readLines(res: Response): Promise<{ lines: any[]; reads: string[] }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const reads: string[] = [];
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = decoder.decode(value, { stream: true });
    reads.push(chunk);
    text += chunk;
  }
  return { lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)), reads };
}

describe('hub-api gateway to the agency edges, for agency officers, on PostgreSQL', () => {
  let hub: HubOnPostgres;
  const edges: INestApplication[] = [];
  let dir: string;
  const saved = { FIRE_URL: process.env.FIRE_URL, POLICE_URL: process.env.POLICE_URL, HOUSING_URL: process.env.HOUSING_URL };
  const count = async (sql: string, params: unknown[] = []) => Number((await query<{ n: string }>(hub.db.url, sql, params))[0].n);

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    const firePort = await freePort();
    edges.push(await startFire({ transport: hub.transport, databaseUrl: hub.db.url, port: firePort }));
    const policePort = await freePort();
    edges.push(await startPolice({ transport: hub.transport, databaseUrl: hub.db.url, port: policePort }));
    // the gateway finds each edge as the import tool does: $<AGENCY>_URL
    process.env.FIRE_URL = `http://127.0.0.1:${firePort}`;
    process.env.POLICE_URL = `http://127.0.0.1:${policePort}`;
    // nothing listens here: the housing edge "is down"
    process.env.HOUSING_URL = `http://127.0.0.1:${await freePort()}`;
    dir = await mkdtemp(join(tmpdir(), 'agency-gateway-'));
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const app of edges) await app.close();
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the officer’s own kinds, each with the JSON schema of its body, every $ref inlined', async () => {
    const res = await getJson(`${hub.base}/api/agencies/fire/kinds`, await hub.as('fire-officer', OFFICER_PURPOSE));
    expect(res.status).toBe(200);
    expect(res.body.map((k: { kind: string }) => k.kind).sort()).toEqual(['deliberate-fire', 'fire-setter-referral']);
    const fires = res.body.find((k: { kind: string }) => k.kind === 'deliberate-fire');
    expect(fires).toMatchObject({ path: 'deliberate-fires', pathParams: [], eventType: 'uk.shp.fire.deliberate-fire.recorded.v1', title: 'deliberate fires', refField: 'incidentRef' });
    expect(fires.schema.required).toEqual(expect.arrayContaining(['incidentRef', 'occurredAt', 'location', 'propertyType']));
    expect(fires.schema.properties.location).toMatchObject({ type: 'object', required: ['postcode'], properties: { postcode: { type: 'string' } } });
    expect(fires.schema.properties.propertyType.enum).toContain('derelict-building');
    expect(fires.schema.properties.occurredAt.format).toBe('date-time');
    expect(JSON.stringify(res.body)).not.toContain('$ref');
    // a described reference (allOf of one) becomes the schema itself, its description kept
    const referral = res.body.find((k: { kind: string }) => k.kind === 'fire-setter-referral');
    expect(referral.schema.properties.person).toMatchObject({ type: 'object', description: expect.stringContaining('dateOfBirth'), properties: { dateOfBirth: { format: 'date' } } });
    expect(referral.schema.properties.person.allOf).toBeUndefined();

    const police = await getJson(`${hub.base}/api/agencies/police/kinds`, await hub.as('police-officer', OFFICER_PURPOSE));
    expect(police.body.find((k: { kind: string }) => k.kind === 'custody-release')).toMatchObject({ pathParams: ['custodyRef'], parent: { kind: 'custody-entry', refField: 'custodyRef' } });
    const dash = police.body.find((k: { kind: string }) => k.kind === 'domestic-incident').schema.properties.dash;
    expect(dash.properties.answers).toMatchObject({ type: 'array', items: { type: 'boolean' } });
  });

  it('sends a record on to the edge (201, then 200 for the same again) and passes a bad one’s field faults through (400)', async () => {
    const as = await hub.as('fire-officer', OFFICER_PURPOSE);
    const created = await postJson(`${hub.base}/api/agencies/fire/records/deliberate-fire`, fire('CFB-GW-1'), as);
    expect(created).toEqual({ status: 201, body: { incidentRef: 'CFB-GW-1', eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE kind = 'deliberate-fire' AND ref = 'CFB-GW-1'`)).toBe(1);
    const again = await postJson(`${hub.base}/api/agencies/fire/records/deliberate-fire`, fire('CFB-GW-1'), as);
    expect(again).toEqual({ status: 200, body: { incidentRef: 'CFB-GW-1', eventId: created.body.eventId } });

    const bad = await postJson(`${hub.base}/api/agencies/fire/records/deliberate-fire`, { ...fire('CFB-GW-2'), location: { postcode: 'TS24' }, casualties: -1 }, as);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual(expect.any(String));
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['casualties', 'location.postcode']);
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE ref = 'CFB-GW-2'`)).toBe(0);

    // the audit names the kind and reference, never the record's content
    const audited = await query<{ reason: string }>(hub.db.url, `SELECT reason FROM hub.audit_log WHERE action = 'agency.record' ORDER BY id`);
    expect(audited.map((a) => a.reason)).toEqual(['fire deliberate-fire recorded CFB-GW-1', 'fire deliberate-fire already recorded CFB-GW-1', 'fire deliberate-fire refused by the edge (400)']);
  });

  it('fills a kind’s path from the record: a custody release goes to /custody-entries/<ref>/release', async () => {
    const as = await hub.as('police-officer', OFFICER_PURPOSE);
    const entry = {
      custodyRef: 'MB-C-GW-1', suite: 'Middlesbrough', arrivedAt: '2026-03-02T01:10:00Z', offence: 'Criminal damage', appropriateAdultRequired: false,
      detainee: { personRef: 'CP-P-GW-1', givenName: 'Test', familyName: 'Gateway', dateOfBirth: '1990-05-04', sex: 'M', address: { line1: '1 Example Street', postcode: 'TS24 7AA' } },
    };
    expect((await postJson(`${hub.base}/api/agencies/police/records/custody-entry`, entry, as)).status).toBe(201);
    const release = await postJson(`${hub.base}/api/agencies/police/records/custody-release`, { custodyRef: 'MB-C-GW-1', releasedAt: '2026-03-02T14:40:00Z', outcome: 'charged' }, as);
    expect(release).toEqual({ status: 201, body: { custodyRef: 'MB-C-GW-1', eventId: expect.any(String) } });
    const noRef = await postJson(`${hub.base}/api/agencies/police/records/custody-release`, { releasedAt: '2026-03-02T14:40:00Z', outcome: 'charged' }, as);
    expect(noRef.status).toBe(400);
    expect(noRef.body.fields).toEqual([{ path: 'custodyRef', reason: expect.any(String) }]);
  });

  it('refuses another agency’s officer (403, audited), a role that is not an agency officer, and an unknown kind (404)', async () => {
    const police = await hub.as('police-officer', OFFICER_PURPOSE);
    const kinds = await getJson(`${hub.base}/api/agencies/fire/kinds`, police);
    expect(kinds.status).toBe(403);
    expect(kinds.body.error).toBe('your token is for police: only fire’s own officers may use the fire edge');
    const record = await postJson(`${hub.base}/api/agencies/fire/records/deliberate-fire`, fire('CFB-GW-3'), police);
    expect(record.status).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE ref = 'CFB-GW-3'`)).toBe(0);
    const upload = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...police, 'content-type': 'text/csv' }, body: firesCsv('CFB-GW-X', 3, []) });
    expect(upload.status).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM hub.audit_log WHERE actor = 'police-officer' AND decision = 'denied' AND action LIKE 'agency.%'`)).toBe(3);

    const analyst = await getJson(`${hub.base}/api/agencies/fire/kinds`, await hub.as('analyst', 'analytics.depersonalised'));
    expect(analyst.status).toBe(403);

    const fireOfficer = await hub.as('fire-officer', OFFICER_PURPOSE);
    const unknown = await postJson(`${hub.base}/api/agencies/fire/records/domestic-incident`, fire('CFB-GW-4'), fireOfficer);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'the fire edge takes no records of kind domestic-incident', fields: [{ path: 'kind', reason: 'deliberate-fire, fire-setter-referral' }] });
    const unknownImport = await fetch(`${hub.base}/api/agencies/fire/imports/arson`, { method: 'POST', headers: { ...fireOfficer, 'content-type': 'text/csv' }, body: 'incidentRef\n' });
    expect(unknownImport.status).toBe(404);
  });

  it('imports a CSV: progress lines as the chunks go in, then the result with created and rejected rows; a second run adds nothing', async () => {
    const as = await hub.as('fire-officer', OFFICER_PURPOSE);
    const file = join(dir, 'fires.csv');
    await writeFile(file, firesCsv('CFB-GW-BULK', 450, [17, 230, 449]));
    const body = await readFile(file);
    const uploads = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('hub-import-'));
    const uploadsBefore = await uploads();
    const res = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const { lines, reads } = await readLines(res);

    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.map((p) => p.counts.rows)).toEqual([...progress.map((p) => p.counts.rows)].sort((a, b) => a - b));
    expect(progress[0]).toMatchObject({ bytesRead: 0, totalBytes: body.length, totalRows: 450, counts: { rows: 0, created: 0 } });
    expect(progress.at(-1)).toMatchObject({ bytesRead: body.length, totalBytes: body.length, totalRows: 450 });
    // each line leaves when it happens: the first progress came in before the result was written
    expect(reads[0]).toContain('"type":"progress"');
    expect(reads[0]).not.toContain('"type":"result"');

    const result = lines.at(-1);
    expect(result).toMatchObject({ type: 'result', counts: { rows: 450, created: 447, duplicate: 0, rejected: 3, conflict: 0, missingParent: 0 }, rejectsTotal: 3, elapsedMs: expect.any(Number) });
    expect(result.rejects.map((r: { row: number; line: number; field: string }) => [r.row, r.line, r.field])).toEqual([
      [17, 18, 'location.postcode'],
      [230, 231, 'propertyType'],
      [449, 450, 'occurredAt'],
    ]);
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE kind = 'deliberate-fire' AND ref LIKE 'CFB-GW-BULK-%'`)).toBe(447);

    const rerun = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire?format=csv`, { method: 'POST', headers: { ...as, 'content-type': 'application/octet-stream' }, body });
    const again = (await readLines(rerun)).lines.at(-1);
    expect(again).toMatchObject({ type: 'result', counts: { rows: 450, created: 0, duplicate: 447, rejected: 3 } });
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE kind = 'deliberate-fire' AND ref LIKE 'CFB-GW-BULK-%'`)).toBe(447);
    // the uploaded files are removed once imported
    expect((await uploads()).filter((name) => !uploadsBefore.includes(name))).toEqual([]);
  });

  it('imports NDJSON too, and answers a CSV header the edge cannot read, a file too large, and no format with the public error shape', async () => {
    const as = await hub.as('fire-officer', OFFICER_PURPOSE);
    const ndjson = [fire('CFB-GW-ND-1'), fire('CFB-GW-ND-2'), { ...fire('CFB-GW-ND-3'), casualties: -1 }].map((r) => JSON.stringify(r)).join('\n') + '\n';
    const res = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'application/x-ndjson' }, body: ndjson });
    const result = (await readLines(res)).lines.at(-1);
    expect(result).toMatchObject({ type: 'result', counts: { rows: 3, created: 2, rejected: 1 }, rejects: [{ row: 3, line: 3, field: 'casualties' }] });

    const header = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body: 'incidentRef,location,location.postcode\nCFB-1,x,TS24 7AA\n' });
    expect(header.status).toBe(400);
    expect(await header.json()).toEqual({ error: 'the CSV header cannot be read, so no row was sent', fields: [{ path: 'header', reason: expect.stringContaining('location') }] });

    for (const type of ['text/csv', 'application/x-ndjson']) {
      const empty = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': type }, body: '' });
      expect(empty.status).toBe(400);
      expect((await empty.json()).error).toBe('the file is empty');
    }
    const blank = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body: '\r\n\r\n' });
    expect(blank.status).toBe(400);
    expect(await blank.json()).toEqual({ error: 'the file has no header row', fields: [{ path: 'file', reason: expect.stringContaining('header row') }] });

    const noFormat = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(noFormat.status).toBe(400);
    expect((await noFormat.json()).fields).toEqual([{ path: 'format', reason: expect.any(String) }]);

    process.env.AGENCY_IMPORT_MAX_BYTES = '1000';
    try {
      const big = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body: firesCsv('CFB-GW-BIG', 40, []) });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: expect.stringContaining('larger than'), fields: [] });
      // no Content-Length (a stream): stopped when it passes the limit
      const streamed = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode(firesCsv(`CFB-GW-BIG-${i}`, 10, [])));
          controller.close();
        },
      });
      const chunked = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body: streamed, duplex: 'half' } as RequestInit);
      expect(chunked.status).toBe(413);
    } finally {
      delete process.env.AGENCY_IMPORT_MAX_BYTES;
    }
    expect(await count(`SELECT count(*) AS n FROM fire.records WHERE ref LIKE 'CFB-GW-BIG-%'`)).toBe(0);
  });

  it('streams a failed line with the counts so far when the edge refuses a chunk part way', async () => {
    // an "edge" that is up but refuses every import chunk
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad import chunk', fields: [{ path: 'rows', reason: 'refused' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = process.env.FIRE_URL;
    process.env.FIRE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${hub.base}/api/agencies/fire/imports/deliberate-fire`, {
        method: 'POST', headers: { ...(await hub.as('fire-officer', OFFICER_PURPOSE)), 'content-type': 'text/csv' }, body: firesCsv('CFB-GW-FAIL', 5, []),
      });
      expect(res.status).toBe(200);
      const last = (await readLines(res)).lines.at(-1);
      expect(last).toMatchObject({ type: 'failed', error: expect.stringContaining('the edge answered 400: bad import chunk'), counts: { rows: 5, created: 0 } });
      expect(last.error).not.toContain(tmpdir());
    } finally {
      process.env.FIRE_URL = saved;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 502 in the public shape when the edge cannot be reached', async () => {
    const as = await hub.as('housing-officer', OFFICER_PURPOSE);
    const kinds = await getJson(`${hub.base}/api/agencies/housing/kinds`, as);
    expect(kinds.status).toBe(502);
    expect(kinds.body).toEqual({ error: expect.stringMatching(/^the housing edge could not be reached/), fields: [] });
    const record = await postJson(`${hub.base}/api/agencies/housing/records/asb-report`, { reportRef: 'TG-ASB-GW-1' }, as);
    expect(record.status).toBe(502);
    expect(record.body.fields).toEqual([]);
    const upload = await fetch(`${hub.base}/api/agencies/housing/imports/asb-report`, { method: 'POST', headers: { ...as, 'content-type': 'text/csv' }, body: 'reportRef\nTG-ASB-GW-2\n' });
    expect(upload.status).toBe(502);
    expect((await upload.json()).error).toMatch(/^the housing edge could not be reached/);
  });
});
