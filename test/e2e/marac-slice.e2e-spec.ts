import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { CloudEvent, dlqTopic, DomesticIncidentDto, EventTypes, newEvent, Topics } from '../../libs/contracts/src';
import { Headers, KafkaPublisher } from '../../libs/messaging/src';
import { physicalGroup, physicalTopic } from '../../libs/messaging/src/kafka/kafka-config';
import { expectedReferrals } from '../support/expected';
import { freePort, getJson, incident, postJson } from '../support/fixtures';
import { groupCaughtUp, prepareTopics, readAll, testKafka } from '../support/kafka';
import { createTestDatabase, query } from '../support/postgres';
import { RunningService, startService, waitFor } from '../support/services';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The MARAC slice across real processes on a real Kafka broker and a real PostgreSQL:
 * police → outbox → Kafka → two consolidation instances in one group → hub-api.
 */
describe('MARAC slice end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  const group = 'consolidation';
  let kafka: Kafka;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let police: RunningService;
  let hubApi: RunningService;
  let consolidation: RunningService[] = [];
  let publisher: KafkaPublisher;

  const count = async (sql: string) => Number((await query<{ n: string }>(db.url, sql))[0].n);
  const referralCount = () => count(`SELECT count(*) AS n FROM consolidation.marac_referrals`);
  const caughtUp = () => waitFor('consolidation to catch up', () => groupCaughtUp(kafka, physicalGroup(group, prefix), physicalTopic(Topics.PoliceDomesticIncidents, prefix)), 120_000);
  const produce = (events: CloudEvent[]) =>
    publisher.publish(events.map((e) => ({ topic: Topics.PoliceDomesticIncidents, key: e.partitionkey, value: JSON.stringify(e), headers: { [Headers.ceType]: e.type } })));
  const daEvent = (ref: string, victim: string, opts: Parameters<typeof incident>[2] = {}) =>
    newEvent({ type: EventTypes.DomesticIncidentRecorded, source: '/safer-hub/police', partitionKey: victim, data: incident(ref, victim, opts) }) as CloudEvent<DomesticIncidentDto>;

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    kafka = testKafka();
    await prepareTopics(kafka);
    publisher = new KafkaPublisher(kafka);
    db = await createTestDatabase('hub_e2e');
    env = { DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true', CONSOLIDATION_GROUP: group };
    police = await startService('police', await freePort(), env);
    consolidation = [await startService('consolidation', await freePort(), env), await startService('consolidation', await freePort(), env)];
    hubApi = await startService('hub-api', await freePort(), env);
  });

  afterAll(async () => {
    await Promise.all([police, hubApi, ...consolidation].filter(Boolean).map((s) => s.stop()));
    await publisher?.close();
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  it('carries incidents from POST /domestic-incidents to GET /api/marac/referrals, one referral per criterion met', async () => {
    const posts = [
      incident('CP-DA-E2E-1', 'E2E-HIGH', { ticks: 14 }),
      incident('CP-DA-E2E-2', 'E2E-LOW', { ticks: 13 }),
      incident('CP-DA-E2E-3', 'E2E-PJ', { ticks: 6, judgement: 'high' }),
      incident('CP-DA-E2E-4', 'E2E-ESC', { daysAgo: 300 }),
      incident('CP-DA-E2E-5', 'E2E-ESC', { daysAgo: 200 }),
      incident('CP-DA-E2E-6', 'E2E-ESC', { daysAgo: 30 }),
      incident('CP-DA-E2E-7', 'E2E-ESC', { daysAgo: 3 }),
    ];
    for (const body of posts) expect((await postJson(`${police.url}/domestic-incidents`, body)).status).toBe(201);

    const token = (await postJson(`${hubApi.url}/api/auth/demo-token`, { user: 'marac-coordinator' })).body.token;
    const headers = { Authorization: `Bearer ${token}`, 'X-Purpose': 'marac.risk-management' };
    const list = await waitFor('four referrals in hub-api', async () => {
      const res = await getJson(`${hubApi.url}/api/marac/referrals`, headers);
      return res.body.length >= 4 && res.body;
    });
    const byTrigger = Object.fromEntries(list.map((r: any) => [r.triggerIncidentRef, [r.criterion, r.repeat, r.incidentRefs]]));
    expect(byTrigger).toEqual({
      'CP-DA-E2E-1': ['visible-high-risk', false, ['CP-DA-E2E-1']],
      'CP-DA-E2E-3': ['professional-judgement', false, ['CP-DA-E2E-3']],
      'CP-DA-E2E-6': ['escalation', false, ['CP-DA-E2E-4', 'CP-DA-E2E-5', 'CP-DA-E2E-6']],
      'CP-DA-E2E-7': ['repeat', true, ['CP-DA-E2E-6', 'CP-DA-E2E-7']],
    });
    expect(list.find((r: any) => r.triggerIncidentRef === 'CP-DA-E2E-1').victim).toMatchObject({ agency: 'police', givenName: 'Test', familyName: expect.stringContaining('-Victim') });

    // the derived events went out on Kafka, caused by the police events
    const events = (await readAll(kafka, physicalTopic(Topics.MaracReferrals, prefix), 4)).map((m) => JSON.parse(m.value));
    expect(events.map((e) => e.data.triggerIncidentRef).sort()).toEqual(['CP-DA-E2E-1', 'CP-DA-E2E-3', 'CP-DA-E2E-6', 'CP-DA-E2E-7']);
    expect(events.every((e) => e.type === EventTypes.MaracReferralCreated && typeof e.causationid === 'string')).toBe(true);
  });

  it('changes nothing when the same events are delivered again', async () => {
    await caughtUp();
    const before = { referrals: await referralCount(), processed: await count(`SELECT count(*) AS n FROM consolidation.processed_events`) };
    const outbox = await query<{ message_key: string; event: string }>(db.url, `SELECT message_key, event FROM police.outbox ORDER BY seq`);
    expect(outbox.length).toBe(7);
    await publisher.publish(outbox.map((r) => ({ topic: Topics.PoliceDomesticIncidents, key: r.message_key, value: r.event })));
    await caughtUp();
    expect(await referralCount()).toBe(before.referrals);
    expect(await count(`SELECT count(*) AS n FROM consolidation.processed_events`)).toBe(before.processed);
  });

  it('two instances in one group share the partitions and still give exactly one referral per trigger', async () => {
    const events: CloudEvent<DomesticIncidentDto>[] = [];
    for (let v = 0; v < 120; v++) {
      for (let i = 0; i < 5; i++) {
        events.push(daEvent(`TWO-${v}-${i}`, `TWO-V${v}`, { ticks: (v * 7 + i * 5) % 17, daysAgo: 400 - i * 70 - (v % 30) }));
      }
    }
    const expected = expectedReferrals(events);
    const before = await referralCount();
    await produce(events);
    await caughtUp();
    const rows = await query<{ trigger_incident_ref: string; criterion: string }>(db.url, `SELECT trigger_incident_ref, criterion FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE 'TWO-%'`);
    expect(new Map(rows.map((r) => [r.trigger_incident_ref, r.criterion]))).toEqual(expected);
    expect(await referralCount()).toBe(before + expected.size);
    // both instances did part of the work
    for (const instance of consolidation) {
      const metrics = await (await fetch(`${instance.url}/metrics`)).text();
      const processed = [...metrics.matchAll(/hub_events_consumed_total\{service="consolidation",topic="police.domestic-incidents.v1",outcome="processed"\} (\d+)/g)].map((m) => Number(m[1]));
      expect(processed[0] ?? 0).toBeGreaterThan(0);
    }
  });

  it('loses nothing and duplicates nothing when a consolidation process is killed mid-batch and restarted', async () => {
    await Promise.all(consolidation.map((c) => c.stop()));
    const events: CloudEvent<DomesticIncidentDto>[] = [];
    for (let v = 0; v < 1500; v++) {
      for (let i = 0; i < 8; i++) events.push(daEvent(`KILL-${v}-${i}`, `KILL-V${v}`, { ticks: (v + i * 3) % 16, daysAgo: 500 - i * 60 }));
    }
    const expected = expectedReferrals(events);
    const processedBefore = await count(`SELECT count(*) AS n FROM consolidation.processed_events`);
    await produce(events);

    const victim = await startService('consolidation', await freePort(), env);
    const atKill = await waitFor('some progress before the kill', async () => {
      const n = (await count(`SELECT count(*) AS n FROM consolidation.processed_events`)) - processedBefore;
      return n > 0 && n;
    }, 60_000);
    await victim.kill();
    const afterKill = (await count(`SELECT count(*) AS n FROM consolidation.processed_events`)) - processedBefore;
    expect(afterKill).toBeLessThan(events.length); // killed mid-stream, not after the end

    consolidation = [await startService('consolidation', await freePort(), env), await startService('consolidation', await freePort(), env)];
    await caughtUp();
    expect((await count(`SELECT count(*) AS n FROM consolidation.processed_events`)) - processedBefore).toBe(events.length);
    expect(await count(`SELECT count(*) AS n FROM consolidation.da_incidents WHERE incident_ref LIKE 'KILL-%'`)).toBe(events.length);
    const rows = await query<{ trigger_incident_ref: string; criterion: string }>(db.url, `SELECT trigger_incident_ref, criterion FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE 'KILL-%'`);
    expect(new Map(rows.map((r) => [r.trigger_incident_ref, r.criterion]))).toEqual(expected);
    process.stdout.write(`kill test: ${events.length} events, killed after ${atKill}–${afterKill} processed; all ${events.length} applied once after restart\n`);
  });

  it('dead-letters invalid events with the reason while the stream flows, and replays dead letters after a fix', async () => {
    const bad = daEvent('DLQ-BAD', 'DLQ-V1', { ticks: 20 }) as CloudEvent<any>;
    delete bad.data.victim;
    await publisher.publish([
      { topic: Topics.PoliceDomesticIncidents, key: 'DLQ-V1', value: 'not json at all' },
      { topic: Topics.PoliceDomesticIncidents, key: 'DLQ-V1', value: JSON.stringify(bad) },
    ]);
    await produce([daEvent('DLQ-GOOD', 'DLQ-V2', { ticks: 15 })]);
    await caughtUp();
    expect(await count(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref = 'DLQ-GOOD'`)).toBe(1);
    const dead = await readAll(kafka, physicalTopic(dlqTopic(Topics.PoliceDomesticIncidents), prefix), 2);
    expect(dead.map((d) => d.headers[Headers.dlqError])).toEqual(['the message is not JSON', expect.stringContaining('victim')]);
    expect(dead[1].headers[Headers.dlqOriginTopic]).toBe(Topics.PoliceDomesticIncidents);
    expect(dead[1].headers[Headers.dlqOriginOffset]).toMatch(/^\d+$/);

    // A valid event that a (since fixed) handler bug had dead-lettered comes back with the replay.
    const fixed = daEvent('DLQ-FIXED', 'DLQ-V3', { ticks: 18 });
    await publisher.publish([
      { topic: dlqTopic(Topics.PoliceDomesticIncidents), key: 'DLQ-V3', value: JSON.stringify(fixed), headers: { [Headers.dlqError]: 'handler failed 3 times: bug #1', [Headers.dlqOriginTopic]: Topics.PoliceDomesticIncidents } },
    ]);
    const out = execFileSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'libs', 'messaging', 'src', 'dlq-replay.cli.js'), '--topic', Topics.PoliceDomesticIncidents], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'error' },
    }).toString();
    expect(out).toContain('replayed 3 dead letter(s)');
    await waitFor('the replayed event to be applied', async () => (await count(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref = 'DLQ-FIXED'`)) === 1);
    // Replaying again offers nothing twice: only the two still-broken messages, which the
    // first replay sent back to the DLQ as new dead letters, come round again.
    const again = execFileSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'libs', 'messaging', 'src', 'dlq-replay.cli.js'), '--topic', Topics.PoliceDomesticIncidents], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'error' },
    }).toString();
    expect(again).toContain('replayed 2 dead letter(s)');
    expect(again).not.toMatch(/dlq@0:[0-2] /);
    expect(again).toMatch(/failed: the message is not JSON/);
  });
});
