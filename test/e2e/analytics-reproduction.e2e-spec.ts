import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { Consumer, Kafka } from 'kafkajs';
import { generatePackRecords, PACK_2018 } from '../../libs/analytics/src/reproduction';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../libs/analytics/src';
import { freePort, getJson, postJson } from '../support/fixtures';
import { prepareTopics, testKafka } from '../support/kafka';
import { createTestDatabase, query } from '../support/postgres';
import { RunningService, ServiceName, startService, waitFor } from '../support/services';

const FIRE = 'uk.shp.fire.deliberate-fire.recorded.v1';
const CRIME = 'uk.shp.police.crime.recorded.v1';
const IMPORT_CHUNK = 1000;

/**
 * The reproduction check (issue 7), across real processes on a real Kafka broker and
 * PostgreSQL: record-level data generated to sum to the 2018 strategic assessment's tables
 * (recorded crime by category, police ASB by type, deliberate fires primary/secondary, 2016
 * and 2017) goes in through the police and fire edges' bulk import, over Kafka to
 * consolidation, and hub-api's indicators give back the published partnership-level figures.
 * Meanwhile three analysts' subscriptions, registered before the import, receive the fires
 * live, depersonalised: a server-sent event stream, a signed webhook and a Kafka topic.
 */
describe('the partnership’s published figures reproduced end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  let kafka: Kafka;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const services = new Map<ServiceName, RunningService>();
  const url = (name: ServiceName) => services.get(name)!.url;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(db.url, text, params);
  let analyst: Record<string, string>;
  const generated = generatePackRecords();
  const total = generated.reduce((n, g) => n + g.records.length, 0);
  const fires = generated.find((g) => g.kind === 'deliberate-fire')!.records.length;

  // the three live subscribers
  let webhook: Server;
  const hooked = new Map<string, any>();
  let badSignatures = 0;
  const streamed = new Map<string, any>();
  const stream = new AbortController();
  let consumer: Consumer;
  const onKafka = new Map<string, any>();
  const subs: Record<'sse' | 'webhook' | 'kafka' | 'crimes', any> = {} as any;

  /** Everything personal the live crimes carry: none of it may reach a feed or an export. */
  const PERSONAL = ['Georgina', 'Pattinson', '1979-02-17', 'TS26 9HW', '27 Elwick Road', 'REPRO-V-1', 'REPRO-LIVE-CR-1'];

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    kafka = testKafka();
    await prepareTopics(kafka);
    db = await createTestDatabase('hub_e2e_repro');
    const env = {
      DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true', HUB_JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_POLL_MS: '200', WEBHOOK_BATCH: '500',
    };
    const names: ServiceName[] = ['police', 'fire', 'consolidation', 'hub-api'];
    for (const name of names) services.set(name, await startService(name, await freePort(), env));
    analyst = { Authorization: `Bearer ${(await postJson(`${url('hub-api')}/api/auth/demo-token`, { user: 'analyst' })).body.token}`, 'X-Purpose': 'analytics.depersonalised' };

    // A webhook receiver that checks every signature, as a partner's would.
    const hookPort = await freePort();
    let secret = '';
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!verifyWebhook(secret, Number(req.headers[WEBHOOK_TIMESTAMP_HEADER.toLowerCase()]), body, String(req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]))) {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        for (const item of JSON.parse(body).items) hooked.set(item.record, item);
        res.writeHead(204).end();
      });
    }).listen(hookPort, '127.0.0.1');

    const register = async (body: object) => {
      const res = await postJson(`${url('hub-api')}/api/analytics/subscriptions`, body, analyst);
      expect(res.status).toBe(201);
      return res.body;
    };
    subs.sse = (await register({ name: 'fires by ward (stream)', eventTypes: [FIRE], area: 'ward', period: 'month', delivery: 'sse' })).subscription;
    const hook = await register({ name: 'fires by postcode (webhook)', eventTypes: [FIRE], area: 'outward-postcode', period: 'week', delivery: 'webhook', webhookUrl: `http://127.0.0.1:${hookPort}/shp` });
    subs.webhook = hook.subscription;
    secret = hook.webhookSecret;
    subs.kafka = (await register({ name: 'fires for BI (Kafka)', eventTypes: [FIRE], area: 'ward', period: 'month', delivery: 'kafka' })).subscription;
    subs.crimes = (await register({ name: 'crime (stream)', eventTypes: [CRIME], area: 'outward-postcode', period: 'month', delivery: 'sse', backfillFrom: '2025-01-01' })).subscription;

    void readStream(subs.sse.id, streamed);
    consumer = kafka.consumer({ groupId: `${prefix}bi-tool` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${subs.kafka.kafkaTopic}`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void onKafka.set(JSON.parse(message.value!.toString()).data.record, JSON.parse(message.value!.toString())) });
  }, 180_000);

  afterAll(async () => {
    stream.abort();
    await consumer?.disconnect();
    webhook?.close();
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  /** A server-sent event client: every `feed-item` into `into`, by record. */
  async function readStream(id: string, into: Map<string, any>): Promise<void> {
    const res = await fetch(`${url('hub-api')}/api/analytics/subscriptions/${id}/events`, { headers: analyst, signal: stream.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (frame.includes('event: feed-item') && data) {
            const item = JSON.parse(data.slice(6));
            into.set(item.record, item);
          }
        }
      }
    } catch {
      /* aborted at the end */
    }
  }

  const indicator = async (name: string, query = 'area=hartlepool&from=2016&to=2017') => {
    const res = await getJson(`${url('hub-api')}/api/analytics/indicators/${name}?${query}`, analyst);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** A row's cells by column name. */
  const row = (table: any, key: string): Record<string, any> => {
    const r = table.rows.find((x: any) => x.key === key);
    if (!r) throw new Error(`no row ${key} in ${table.indicator}: ${table.rows.map((x: any) => x.key).join(', ')}`);
    return Object.fromEntries(table.columns.map((c: string, i: number) => [c, r.cells[i]]));
  };

  it(`takes ${total.toLocaleString('en-GB')} generated records through the edges’ bulk import and Kafka into consolidation`, async () => {
    const started = Date.now();
    await Promise.all(
      (['police', 'fire'] as const).map(async (agency) => {
        for (const { kind, records } of generated.filter((g) => g.agency === agency)) {
          for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
            const rows = records.slice(i, i + IMPORT_CHUNK).map((record, j) => ({ row: i + j + 1, record }));
            const res = await postJson(`${url(agency)}/imports/${kind}`, { rows });
            expect(res.status).toBe(200);
            const refused = res.body.results.filter((r: any) => r.status !== 'created');
            expect(refused).toEqual([]);
          }
        }
      }),
    );
    const imported = Date.now();
    // a few live crimes about a named person, for the personal-data checks below
    const victim = { personRef: 'REPRO-V-1', givenName: 'Georgina', familyName: 'Pattinson', dateOfBirth: '1979-02-17', sex: 'F', address: { line1: '27 Elwick Road', postcode: 'TS26 9HW' } };
    const live = await postJson(`${url('police')}/crimes`, { crimeRef: 'REPRO-LIVE-CR-1', recordedAt: new Date(Date.now() - 3_600_000).toISOString(), homeOfficeCategory: 'violence-with-injury', domesticAbuse: true, ward: 'Burn Valley', outwardPostcode: 'TS26', victim });
    expect(live.status).toBe(201);
    await waitFor(`all ${total + 1} analytics facts`, async () => (await sql(`SELECT count(*)::int AS n FROM consolidation.analytics_facts`))[0].n >= total + 1, 600_000);
    const done = Date.now();
    console.log(`reproduction: ${total} records imported in ${((imported - started) / 1000).toFixed(1)} s (${Math.round(total / ((imported - started) / 1000))}/s); all consolidated ${((done - started) / 1000).toFixed(1)} s after the first row`);
  }, 900_000);

  it('reproduces recorded crime by category, 2016 and 2017, with subtotals recomputed from the leaves', async () => {
    const t = await indicator('recorded-crime');
    const [y16, y17] = ['2016', '2017'];
    for (const [leaf, [a, b]] of Object.entries(PACK_2018.crime.leaves)) expect([leaf, row(t, leaf)[y16], row(t, leaf)[y17]]).toEqual([leaf, a, b]);
    const printed = PACK_2018.crime.printed;
    expect([row(t, 'victim-based')[y16], row(t, 'victim-based')[y17]]).toEqual(printed['victim-based']);
    expect([row(t, 'total')[y16], row(t, 'total')[y17]]).toEqual(printed['total-recorded-crime']);
    expect([row(t, 'violence-against-the-person')[y16], row(t, 'violence-against-the-person')[y17]]).toEqual(printed['violence-against-the-person']);
    expect([row(t, 'other-crimes-against-society')[y16], row(t, 'other-crimes-against-society')[y17]]).toEqual(printed['other-crimes-against-society']);
    // the pack's acquisitive subtotal (3,903 / 5,549) disagrees with its own leaves: the hub reproduces the leaves' sum
    expect([row(t, 'acquisitive')[y16], row(t, 'acquisitive')[y17]]).toEqual([3951, 5520]);
    expect(row(t, 'total').Change).toBe(1808);
    expect(t.level).toBe('partnership');
  });

  it('reproduces police ASB by type, 2016 and 2017, and 77.8 per 1,000 population in 2017', async () => {
    const t = await indicator('asb');
    for (const [type, [a, b]] of Object.entries(PACK_2018.asb.types)) expect([type, row(t, type)['2016'], row(t, type)['2017']]).toEqual([type, a, b]);
    expect([row(t, 'total')['2016'], row(t, 'total')['2017']]).toEqual(PACK_2018.asb.printedTotal);
    expect(row(t, 'per-1000')['2017']).toBe(PACK_2018.asb.per1000[2017]);
  });

  it('reproduces deliberate fires, primary and secondary, 2016 and 2017, with the change', async () => {
    const t = await indicator('deliberate-fires');
    for (const [category, [a, b]] of Object.entries(PACK_2018.fires.categories)) expect([category, row(t, category)['2016'], row(t, category)['2017']]).toEqual([category, a, b]);
    expect([row(t, 'total')['2016'], row(t, 'total')['2017']]).toEqual(PACK_2018.fires.printedTotal);
    expect([row(t, 'primary')['% change'], row(t, 'secondary')['% change'], row(t, 'total')['% change']]).toEqual([-29.0, 19.4, 9.0]);
  });

  it('streams, posts and publishes every fire to the live subscribers, depersonalised', async () => {
    await waitFor(`${fires} fires on each feed`, async () => streamed.size >= fires && hooked.size >= fires && onKafka.size >= fires, 300_000);
    expect([streamed.size, hooked.size, onKafka.size, badSignatures]).toEqual([fires, fires, fires, 0]);
    const sample = [...streamed.values()][0];
    expect(Object.keys(sample).sort()).toEqual(['agency', 'area', 'category', 'eventType', 'fields', 'id', 'kind', 'people', 'period', 'record', 'subscription']);
    expect(sample.period).toMatch(/^201[67]-\d{2}$/);
    expect(Object.keys(sample.area)).toEqual(['ward']);
    // ISO weeks: 1 January 2016 is in 2015-W53
    expect([...hooked.values()].every((i) => /^201[567]-W\d{2}$/.test(i.period) && /^TS2[456]$/.test(i.area.outwardPostcode))).toBe(true);
    // no free text (the crew's description of the site) and no full postcode reach any feed
    const everything = JSON.stringify([...streamed.values(), ...hooked.values(), ...onKafka.values()]);
    expect(everything).not.toMatch(/\bTS2[456] \d[A-Z]{2}\b/);
    expect(everything).not.toMatch(/REPRO-IRS-/);
    // per 2017 primary fires, the three feeds agree with the indicator
    const primary2017 = [...streamed.values()].filter((i) => i.category === 'primary' && i.period.startsWith('2017')).length;
    expect(primary2017).toBe(PACK_2018.fires.categories.primary[1]);
  }, 330_000);

  it('puts nothing personal in any feed or export: pseudonyms and age bands only', async () => {
    const crimes = await waitFor('the live crime on the crime feed', async () => {
      const items = (await getJson(`${url('hub-api')}/api/analytics/subscriptions/${subs.crimes.id}/items`, analyst)).body.items;
      return items.length > 0 ? items : undefined;
    });
    expect(crimes).toEqual([expect.objectContaining({ area: { outwardPostcode: 'TS26' }, people: [expect.objectContaining({ role: 'crime-victim', ageBand: '45-54', pseudonym: expect.stringMatching(/^[0-9a-f]{64}$/) })] })]);
    const exports = await Promise.all(
      ['recorded-crime', 'asb', 'deliberate-fires'].flatMap((name) =>
        ['by=year', 'by=ward', 'by=month'].map(async (by) => (await fetch(`${url('hub-api')}/api/analytics/indicators/${name}?area=hartlepool&from=2017&to=2026&${by}&format=csv`, { headers: analyst })).text()),
      ),
    );
    const all = JSON.stringify([crimes, exports, [...streamed.values()], [...hooked.values()], [...onKafka.values()]]);
    for (const text of PERSONAL) expect([text, all.includes(text)]).toEqual([text, false]);
  });
});
