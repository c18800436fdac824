import { INestApplication } from '@nestjs/common';
import { Agency, kindsOf, recordKind } from '../../libs/contracts/src';
import { edgeSchema } from '../../libs/edge/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { startFire } from '../../apps/fire/src/fire.bootstrap';
import { startHousing } from '../../apps/housing/src/housing.bootstrap';
import { startTreatment } from '../../apps/treatment/src/treatment.bootstrap';
import { startYouthJustice } from '../../apps/youth-justice/src/youth-justice.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';
import { AGENCY_CASES, person, POLICE_CASES } from '../support/agency-records';
import { startPolice } from '../../apps/police/src/police.bootstrap';

const CASES = [...POLICE_CASES, ...AGENCY_CASES];
/** A kind's path with its `:param`s filled from the record. */
const pathOf = (path: string, record: Record<string, unknown>) => path.replace(/:(\w+)/g, (_, param: string) => String(record[param]));

describe('agency edges (police records table, fire, housing, treatment, youth justice) on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: INestApplication[] = [];
  const base = {} as Record<Agency, string>;
  const transport = new InProcessTransport();
  const starts = { police: startPolice, fire: startFire, housing: startHousing, treatment: startTreatment, 'youth-justice': startYouthJustice } as const;

  const count = async (agency: Agency, table: 'records' | 'outbox', where = 'true', params: unknown[] = []) =>
    Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM "${edgeSchema(agency)}".${table} WHERE ${where}`, params))[0].n);

  /** The event with this id once the relay has published it to the topic. */
  const published = (topic: string, eventId: string) =>
    waitFor(`event ${eventId} on ${topic}`, async () => transport.read(topic).find((m) => JSON.parse(m.value!).id === eventId));

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const agency of Object.keys(starts) as (keyof typeof starts)[]) {
      const port = await freePort();
      apps.push(await starts[agency]({ transport, databaseUrl: db.url, port }));
      base[agency] = `http://127.0.0.1:${port}`;
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  it('every kind has a case here (DA incidents: police-edge.int-spec)', () => {
    const covered = [...CASES.map((c) => `${c.agency}/${c.kind}`), 'treatment/episode-exit', 'police/domestic-incident'].sort();
    expect(covered).toEqual((['police', 'fire', 'housing', 'treatment', 'youth-justice'] as const).flatMap((a) => kindsOf(a).map((k) => `${a}/${k.kind}`)).sort());
  });

  describe.each(CASES.map((c) => [`${c.agency}/${c.kind}`, c] as const))('%s', (_name, c) => {
    const kind = recordKind(c.agency, c.kind);
    const ref = String(c.valid[kind.refField]);

    it('records a valid one (201) and publishes its event on the topic under the key', async () => {
      const res = await postJson(`${base[c.agency]}/${pathOf(kind.path, c.valid)}`, c.valid);
      expect(res).toEqual({ status: 201, body: { [kind.refField]: ref, eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
      const message = await published(kind.topic, res.body.eventId);
      expect(message.key).toBe(c.key);
      expect(JSON.parse(message.value!)).toMatchObject({ type: kind.eventType, source: `/safer-hub/${c.agency}`, subject: ref, partitionkey: c.key });

      const retry = await postJson(`${base[c.agency]}/${pathOf(kind.path, c.valid)}`, c.valid);
      expect(retry).toEqual({ status: 200, body: { [kind.refField]: ref, eventId: res.body.eventId } });
      expect(await count(c.agency, 'records', 'kind = $1 AND ref = $2', [c.kind, ref])).toBe(1);
    });

    it('answers a bad one with 400 naming the bad fields, and stores nothing', async () => {
      const outboxBefore = await count(c.agency, 'outbox');
      const res = await postJson(`${base[c.agency]}/${pathOf(kind.path, c.bad)}`, c.bad);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
      expect([...new Set(res.body.fields.map((f: { path: string }) => f.path))].sort()).toEqual(c.badPaths);
      expect(await count(c.agency, 'records', 'ref = $1', [c.bad[kind.refField]])).toBe(0);
      expect(await count(c.agency, 'outbox')).toBe(outboxBefore);
    });
  });

  it('fire: a stated category the facts contradict is refused on category', async () => {
    const body = { ...AGENCY_CASES[0].valid, incidentRef: 'CFB-IRS-2', propertyType: 'grassland', derelict: false, casualties: 1, category: 'secondary' };
    const res = await postJson(`${base.fire}/deliberate-fires`, body);
    expect(res).toMatchObject({ status: 400, body: { fields: [{ path: 'category', reason: 'stated secondary, but 1 casualty makes it primary (IRS)' }] } });
    expect(await count('fire', 'records', 'ref = $1', ['CFB-IRS-2'])).toBe(0);
  });

  it('fire: the event carries the derived category', async () => {
    const res = await postJson(`${base.fire}/deliberate-fires`, { ...AGENCY_CASES[0].valid, incidentRef: 'CFB-IRS-3', propertyType: 'dwelling', derelict: false });
    expect(res.status).toBe(201);
    const event = JSON.parse((await published('fire.deliberate-fires.v1', res.body.eventId)).value!);
    expect(event.data).toMatchObject({ incidentRef: 'CFB-IRS-3', category: 'primary' });
  });

  it('treatment: an exit of an unknown episode is 404', async () => {
    const res = await postJson(`${base.treatment}/episodes/ST-EP-NONE/exit`, { endedAt: '2026-06-30T12:00:00Z', exit: 'planned' });
    expect(res).toMatchObject({ status: 404, body: { fields: [{ path: 'episodeRef', reason: 'no treatment episode start ST-EP-NONE is recorded' }] } });
    expect(await count('treatment', 'records', 'kind = $1', ['episode-exit'])).toBe(0);
  });

  it('treatment: an exit after a start is recorded, its event carrying the client of the episode', async () => {
    const start = await postJson(`${base.treatment}/episodes`, { episodeRef: 'ST-EP-2', startedAt: '2026-03-09T10:00:00Z', client: person('ST-P-9'), service: 'young-people' });
    expect(start.status).toBe(201);
    const exitBody = { endedAt: '2026-06-30T12:00:00Z', exit: 'planned', exitReason: 'completed-drug-free' };
    const res = await postJson(`${base.treatment}/episodes/ST-EP-2/exit`, exitBody);
    expect(res).toEqual({ status: 201, body: { episodeRef: 'ST-EP-2', eventId: expect.any(String) } });
    const message = await published('treatment.episodes.v1', res.body.eventId);
    expect(message.key).toBe('ST-P-9');
    expect(JSON.parse(message.value!)).toMatchObject({
      type: 'uk.shp.treatment.episode-exit.recorded.v1',
      data: { episodeRef: 'ST-EP-2', ...exitBody, client: person('ST-P-9') },
    });
    expect(await postJson(`${base.treatment}/episodes/ST-EP-2/exit`, exitBody)).toEqual({ status: 200, body: { episodeRef: 'ST-EP-2', eventId: res.body.eventId } });
    const bad = await postJson(`${base.treatment}/episodes/ST-EP-2/exit`, { endedAt: 'June', exit: 'abandoned' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['endedAt', 'exit']);
  });

  it('each edge serves its paths in OpenAPI', async () => {
    for (const agency of Object.keys(starts) as Agency[]) {
      const doc: any = await (await fetch(`${base[agency]}/api/docs-json`)).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(kindsOf(agency).map((k) => `/${k.path.replace(/:(\w+)/g, '{$1}')}`)));
    }
  });
});
