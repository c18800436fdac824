import { CloudEvent, newEvent, recordKind } from '../../libs/contracts/src';
import { FEED_ITEM_EVENT_TYPE, feedTopic } from '../../libs/analytics/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { getJson, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

const CRIME = 'uk.shp.police.crime.recorded.v1';
const DA = 'uk.shp.police.domestic-incident.recorded.v1';
const FIRE = 'uk.shp.fire.deliberate-fire.recorded.v1';

/**
 * Analysts' subscriptions on PostgreSQL (in-process bus): a backfilled subscription receives
 * the records from its date, depersonalised; pseudonyms are stable within a subscription and
 * differ across subscriptions; a live-only one receives only what comes after it; nothing
 * personal is in any item; bad registrations name each bad field.
 */
describe('analysts’ feeds on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let analyst: Record<string, string>;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(hub.db.url, text, params);

  /** Everything personal the records below carry: none of it may reach a feed. */
  const PERSONAL = ['Shannon', 'Whitlock', 'Marcus', 'Leadbitter', '1990-04-12', '1987-09-30', 'TS24 8QT', 'TS25 5PL', '14 Lilac Grove', '9 Raby Road', 'PV-77', 'PP-78', 'CP-CR-FEED-1', 'DA-FEED-1', 'Rear of 9 Raby Road'];
  const victim = { personRef: 'PV-77', givenName: 'Shannon', familyName: 'Whitlock', dateOfBirth: '1990-04-12', sex: 'F', address: { line1: '14 Lilac Grove', postcode: 'TS24 8QT' } };
  const suspect = { personRef: 'PP-78', givenName: 'Marcus', familyName: 'Leadbitter', dateOfBirth: '1987-09-30', sex: 'M', address: { line1: '9 Raby Road', postcode: 'TS25 5PL' } };
  const crime = (ref: string, recordedAt: string, over: object = {}) => ({
    crimeRef: ref, recordedAt, homeOfficeCategory: 'violence-with-injury', domesticAbuse: true, ward: 'Victoria', outwardPostcode: 'TS24', victim, suspects: [suspect], ...over,
  });

  async function publish(agency: string, kind: string, record: any): Promise<CloudEvent> {
    const k = recordKind(agency, kind);
    const data = k.derive ? k.derive(record) : record; // as the edge sends it (a fire's IRS category)
    const e = newEvent({ type: k.eventType, source: `/safer-hub/${agency}`, partitionKey: k.partitionKey(data), data });
    await hub.transport.publisher().publish([{ topic: k.topic, key: e.partitionkey, value: JSON.stringify(e) }]);
    await hub.transport.drained();
    return e;
  }
  const subscribe = (body: object, headers = analyst) => postJson(`${hub.base}/api/analytics/subscriptions`, body, headers);
  const itemsOf = async (id: string, after = 0) => (await getJson(`${hub.base}/api/analytics/subscriptions/${id}/items?after=${after}`, analyst)).body.items as any[];
  const until = async (id: string, n: number) => {
    await waitFor(`${n} items`, async () => (await itemsOf(id)).length >= n, 10_000);
    return itemsOf(id);
  };

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    analyst = await hub.as('analyst', 'analytics.depersonalised');
    await publish('police', 'crime', crime('CP-CR-FEED-1', '2026-02-03T10:00:00Z'));
    await publish('police', 'crime', crime('CP-CR-FEED-2', '2026-03-09T23:30:00Z', { homeOfficeCategory: 'violence-without-injury' }));
    await publish('police', 'crime', crime('CP-CR-OLD', '2019-06-01T10:00:00Z'));
    await publish('police', 'domestic-incident', {
      incidentRef: 'DA-FEED-1', occurredAt: '2026-03-10T20:00:00Z', location: { ward: 'Victoria', postcode: 'TS24 8QT' }, victim, perpetrator: suspect,
      dash: { form: 'safelives-24', answers: Array(24).fill(false) }, professionalJudgement: { riskLevel: 'medium', reason: 'Shannon said he threatened her' },
    });
    await publish('fire', 'deliberate-fire', {
      incidentRef: 'CFB-FEED-1', occurredAt: '2026-03-11T21:40:00Z', location: { ward: 'Burn Valley', postcode: 'TS25 5PL', site: 'Rear of 9 Raby Road' },
      propertyType: 'refuse', appliancesAttending: 1, casualties: 0, rescues: 0, derelict: false, suspectedArson: true,
    });
  });
  afterAll(() => hub?.close());

  it('backfills from a date, depersonalised: month and ward, pseudonyms and age bands, the agreed fields only', async () => {
    const res = await subscribe({ name: 'violence by ward', eventTypes: [CRIME, DA, FIRE], area: 'ward', period: 'month', delivery: 'sse', backfillFrom: '2026-01-01' });
    expect(res.status).toBe(201);
    expect(res.body.subscription).toMatchObject({ delivery: 'sse', streamPath: `/api/analytics/subscriptions/${res.body.subscription.id}/events`, status: 'active' });
    expect(JSON.stringify(res.body)).not.toMatch(/pseudonym_?key/i);
    const items = await until(res.body.subscription.id, 4);
    expect(items).toHaveLength(4); // the 2019 crime is before the backfill date
    const first = items.find((i) => i.fields.homeOfficeCategory === 'violence-with-injury');
    expect(first).toMatchObject({ eventType: CRIME, kind: 'crime', category: 'violence-with-injury', period: '2026-02', area: { ward: 'Victoria' } });
    expect(first.fields).toEqual({ recordedAt: '2026-02', homeOfficeCategory: 'violence-with-injury', domesticAbuse: true, victim: { sex: 'F' } });
    expect(first.people).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'crime-victim', ageBand: '35-44' }), expect.objectContaining({ role: 'crime-suspect', ageBand: '35-44' })]));
    // 23:30 UTC on 9 March is still 9 March in the UK (GMT); the DA incident's reason (free text) and DASH answers are not there
    const da = items.find((i) => i.eventType === DA);
    expect(da).toMatchObject({ category: 'medium', period: '2026-03', fields: { occurredAt: '2026-03', professionalJudgement: { riskLevel: 'medium' } } });
    expect(da.fields.dash).toBeUndefined();
    const fire = items.find((i) => i.eventType === FIRE);
    expect(fire).toMatchObject({ category: 'secondary', area: { ward: 'Burn Valley' }, fields: { propertyType: 'refuse', suspectedArson: true } });
    expect(fire.people).toEqual([]);
    for (const text of PERSONAL) expect(JSON.stringify(items)).not.toContain(text);
  });

  it('gives the same person one pseudonym within a subscription and a different one in every other', async () => {
    const a = (await subscribe({ name: 'a', eventTypes: [CRIME, DA], area: 'ward', period: 'month', delivery: 'sse', backfillFrom: '2026-01-01' })).body.subscription.id;
    const b = (await subscribe({ name: 'b', eventTypes: [CRIME], area: 'outward-postcode', period: 'week', delivery: 'sse', backfillFrom: '2026-01-01' })).body.subscription.id;
    const inA = await until(a, 3);
    const inB = await until(b, 2);
    const victimsA = new Set(inA.flatMap((i) => i.people.filter((p: any) => ['crime-victim', 'da-victim'].includes(p.role)).map((p: any) => p.pseudonym)));
    const victimsB = new Set(inB.flatMap((i) => i.people.filter((p: any) => p.role === 'crime-victim').map((p: any) => p.pseudonym)));
    expect(victimsA.size).toBe(1); // two crimes and a DA incident, one woman
    expect(victimsB.size).toBe(1);
    expect([...victimsA][0]).toMatch(/^[0-9a-f]{64}$/);
    expect([...victimsA][0]).not.toBe([...victimsB][0]);
    // outward postcode and ISO week (Monday 9 March 2026 is in week 11)
    expect(inB.map((i) => i.area)).toEqual([{ outwardPostcode: 'TS24' }, { outwardPostcode: 'TS24' }]);
    expect(inB.map((i) => i.period).sort()).toEqual(['2026-W06', '2026-W11']);
    for (const text of PERSONAL) expect(JSON.stringify(inB)).not.toContain(text);
  });

  it('a live subscription receives only what comes after it, and its items go out on its Kafka topic through the outbox', async () => {
    const res = await subscribe({ name: 'live fires', eventTypes: [FIRE], area: 'outward-postcode', period: 'month', delivery: 'kafka' });
    const id = res.body.subscription.id;
    expect(res.body.subscription.kafkaTopic).toBe(feedTopic(id));
    await new Promise((r) => setTimeout(r, 600)); // a few pump passes: the fire before it must not come
    expect(await itemsOf(id)).toHaveLength(0);
    await publish('fire', 'deliberate-fire', {
      incidentRef: 'CFB-FEED-2', occurredAt: '2026-03-12T21:40:00Z', location: { postcode: 'TS26 9AA' },
      propertyType: 'dwelling', appliancesAttending: 5, casualties: 1, rescues: 0, derelict: false, suspectedArson: true,
    });
    const items = await until(id, 1);
    expect(items).toEqual([expect.objectContaining({ category: 'primary', area: { outwardPostcode: 'TS26' }, period: '2026-03' })]);
    await waitFor('the feed event in the outbox', async () => (await sql(`SELECT 1 FROM hub.outbox WHERE topic = $1`, [feedTopic(id)])).length === 1, 5000);
    const [row] = await sql<{ event: any }>(`SELECT event::jsonb AS event FROM hub.outbox WHERE topic = $1`, [feedTopic(id)]);
    expect(row.event).toMatchObject({ type: FEED_ITEM_EVENT_TYPE, subject: id, data: { id: items[0].id, record: items[0].record, category: 'primary' } });
  });

  it('writes one audit row per person whose pseudonym went out', async () => {
    const rows = await sql(`SELECT subject_id FROM hub.audit_log WHERE action = 'analytics.feed'`);
    const [{ subject_id }] = await sql(`SELECT subject_id FROM consolidation.persons WHERE person_ref = 'PV-77'`);
    expect(rows.map((r) => r.subject_id)).toContain(subject_id);
  });

  it('refuses a bad registration naming every bad field, and anyone but an analyst', async () => {
    const bad = await subscribe({ name: '', eventTypes: ['uk.shp.police.gossip.v1'], area: 'street', period: 'day', delivery: 'webhook' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: any) => f.path.split('.')[0]).sort()).toEqual(['area', 'eventTypes', 'name', 'period', 'webhookUrl']);
    const future = await subscribe({ name: 'x', eventTypes: [CRIME], area: 'ward', period: 'month', delivery: 'sse', backfillFrom: '2999-01-01' });
    expect(future.body.fields).toEqual([{ path: 'backfillFrom', reason: expect.stringContaining('future') }]);
    const coordinator = await hub.as('marac-coordinator', 'analytics.depersonalised');
    expect((await subscribe({ name: 'x', eventTypes: [CRIME], area: 'ward', period: 'month', delivery: 'sse' }, coordinator)).status).toBe(403);
  });

  it('shows a subscription to its owner only, and stops a cancelled one', async () => {
    const id = (await subscribe({ name: 'to cancel', eventTypes: [CRIME], area: 'ward', period: 'month', delivery: 'sse' })).body.subscription.id;
    const mine = await getJson(`${hub.base}/api/analytics/subscriptions`, analyst);
    expect(mine.body.subscriptions.map((s: any) => s.id)).toContain(id);
    const cancelled = await fetch(`${hub.base}/api/analytics/subscriptions/${id}`, { method: 'DELETE', headers: analyst });
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    await publish('police', 'crime', crime('CP-CR-FEED-9', '2026-03-20T10:00:00Z'));
    await new Promise((r) => setTimeout(r, 600));
    expect(await itemsOf(id)).toHaveLength(0);
    expect((await getJson(`${hub.base}/api/analytics/subscriptions/${id}/items`, analyst)).status).toBe(200);
    expect((await getJson(`${hub.base}/api/analytics/subscriptions/00000000-0000-4000-8000-000000000000`, analyst)).status).toBe(404);
  });
});
