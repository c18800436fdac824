import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { CloudEvent, EventTypes, Topics } from '../../libs/contracts/src';
import { Headers, KafkaPublisher } from '../../libs/messaging/src';
import { freePort, getJson, postJson } from '../support/fixtures';
import { prepareTopics, testKafka } from '../support/kafka';
import { createTestDatabase, query } from '../support/postgres';
import { RunningService, ServiceName, startService, waitFor } from '../support/services';

/**
 * A child in custody across real processes on a real Kafka broker and PostgreSQL: police
 * edge → Kafka → consolidation → Kafka → the home YJS's inbox (youth-justice service) →
 * acknowledged by an officer → Kafka → consolidation → the navigators' board in hub-api.
 * Redelivered events notify once; an unacknowledged notification escalates (after 6 s here)
 * and the board shows it; the release reaches the inbox.
 */
describe('children in custody end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  let kafka: Kafka;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let publisher: KafkaPublisher;
  const services = new Map<ServiceName, RunningService>();
  const url = (name: ServiceName) => services.get(name)!.url;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(db.url, text, params);
  const token = async (user: string) => (await postJson(`${url('hub-api')}/api/auth/demo-token`, { user })).body.token as string;
  const inbox = async (user: string, status = 'all') => getJson(`${url('youth-justice')}/notifications?status=${status}`, { Authorization: `Bearer ${await token(user)}` });
  const board = async () => getJson(`${url('hub-api')}/api/custody/board`, { Authorization: `Bearer ${await token('custody-navigator')}`, 'X-Purpose': 'custody.yjs-notification' });
  const child = (ref: string, postcode: string) => ({ personRef: ref, givenName: 'Kai', familyName: `Kafka-${ref.slice(-1)}`, dateOfBirth: '2011-04-20', address: { line1: '1 Broker Street', postcode } });
  const entry = (custodyRef: string, detainee: object) => ({ custodyRef, suite: 'Middlesbrough', arrivedAt: new Date(Date.now() - 600_000).toISOString(), detainee, offence: 'Criminal damage', appropriateAdultRequired: true });

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    kafka = testKafka();
    await prepareTopics(kafka);
    publisher = new KafkaPublisher(kafka);
    db = await createTestDatabase('hub_e2e_custody');
    // one signing secret for hub-api and the youth-justice inbox, as in a deployment
    const env = {
      DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true', HUB_JWT_SECRET: randomBytes(32).toString('hex'),
      YJS_ACK_ESCALATE_AFTER_MINUTES: '0.1', YJS_ESCALATION_CHECK_MS: '500',
    };
    const names: ServiceName[] = ['police', 'consolidation', 'hub-api', 'youth-justice'];
    for (const name of names) services.set(name, await startService(name, await freePort(), env));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await publisher?.close();
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  it('takes a Hartlepool child from POST /custody-entries to the Hartlepool inbox, and the acknowledgement back to the board', async () => {
    const res = await postJson(`${url('police')}/custody-entries`, entry('E2E-CU-1', child('E2E-CP-1', 'TS24 7AA')));
    expect(res.status).toBe(201);
    const arrived = await waitFor('the Hartlepool inbox to hold it', async () => (await inbox('yjs-hartlepool')).body.find((n: any) => n.custodyRef === 'E2E-CU-1'), 60_000);
    expect(arrived).toMatchObject({ team: 'hartlepool', childBasis: 'age', ageAtArrival: 15, acknowledged: null, details: expect.stringMatching(/\/api\/custody\/notifications\//) });
    // refs only in the inbox: the child's details are read from hub-api under the agreement
    expect(JSON.stringify(arrived)).not.toMatch(/Kai|Kafka-|Broker Street/);
    expect((await inbox('yjs-stockton')).body.map((n: any) => n.custodyRef)).not.toContain('E2E-CU-1');

    const details = await getJson(`${url('hub-api')}/api/custody/notifications/${arrived.id}`, { Authorization: `Bearer ${await token('yjs-hartlepool')}`, 'X-Purpose': 'custody.yjs-notification' });
    expect(details.status).toBe(200);
    expect(details.body.child.detainee).toEqual({ givenName: 'Kai', familyName: 'Kafka-1', dateOfBirth: '2011-04-20', address: { postcode: 'TS24 7AA' } });

    const ack = await postJson(`${url('youth-justice')}/notifications/${arrived.id}/acknowledge`, {}, { Authorization: `Bearer ${await token('yjs-hartlepool')}` });
    expect(ack.status).toBe(200);
    const shown = await waitFor('the board to show the acknowledgement', async () => {
      const e = (await board()).body.episodes?.find((x: any) => x.custodyRef === 'E2E-CU-1');
      return e?.notification.status === 'acknowledged' ? e : undefined;
    }, 60_000);
    expect(shown.notification).toMatchObject({ deliveredAt: expect.any(String), acknowledgedBy: { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' }, escalatedAt: null });
  });

  it('notifies once when the custody event and the notification event are both delivered again', async () => {
    const res = await postJson(`${url('police')}/custody-entries`, entry('E2E-CU-2', child('E2E-CP-2', 'TS18 1AA')));
    expect(res.status).toBe(201);
    await waitFor('the Stockton inbox to hold it', async () => (await inbox('yjs-stockton')).body.some((n: any) => n.custodyRef === 'E2E-CU-2'), 60_000);
    const [policeEvent] = await sql<{ event: string }>(`SELECT event FROM police.outbox WHERE event_id = $1`, [res.body.eventId]);
    const [raised] = await sql<{ event: string }>(`SELECT event FROM consolidation.outbox WHERE event::jsonb->>'type' = $1 AND event::jsonb->'data'->>'custodyRef' = 'E2E-CU-2'`, [EventTypes.CustodyNotificationRaised]);
    const again = (topic: string, e: string) => ({ topic, key: (JSON.parse(e) as CloudEvent).partitionkey, value: e, headers: { [Headers.ceType]: (JSON.parse(e) as CloudEvent).type } });
    await publisher.publish([again('police.custody.v1', policeEvent.event), again(Topics.CustodyNotifications, raised.event)]);
    // both redeliveries were consumed (deduped) before counting
    await waitFor('both services to have seen the redelivered events', async () => {
      const [{ n }] = await sql<{ n: number }>(
        `SELECT (SELECT count(*) FROM consolidation.processed_events WHERE event_id = $1) + (SELECT count(*) FROM youth_justice.processed_events WHERE event_id = $2) AS n`,
        [res.body.eventId, (JSON.parse(raised.event) as CloudEvent).id],
      );
      return Number(n) === 2;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const [{ notifications, rows }] = await sql<{ notifications: number; rows: number }>(
      `SELECT (SELECT count(*)::int FROM consolidation.custody_notifications WHERE custody_ref = 'E2E-CU-2') AS notifications,
              (SELECT count(*)::int FROM youth_justice.custody_inbox WHERE custody_ref = 'E2E-CU-2') AS rows`,
    );
    expect({ notifications, rows }).toEqual({ notifications: 1, rows: 1 });
    expect((await inbox('yjs-stockton')).body.filter((n: any) => n.custodyRef === 'E2E-CU-2')).toHaveLength(1);
  });

  it('escalates a notification nobody acknowledged to the team’s managers and shows it on the board; the release reaches the inbox', async () => {
    await postJson(`${url('police')}/custody-entries`, entry('E2E-CU-3', child('E2E-CP-3', 'TS3 6AA')));
    const escalated = await waitFor('the South Tees managers to see it escalated', async () => (await inbox('yjs-manager-south-tees', 'escalated')).body.find((n: any) => n.custodyRef === 'E2E-CU-3'), 60_000);
    expect(escalated.escalatedAt).toEqual(expect.any(String));
    await waitFor('the board to show the escalation', async () => (await board()).body.episodes?.find((x: any) => x.custodyRef === 'E2E-CU-3')?.notification.escalatedAt, 60_000);

    const released = await postJson(`${url('police')}/custody-entries/E2E-CU-3/release`, { releasedAt: new Date().toISOString(), outcome: 'charged' });
    expect(released.status).toBe(201);
    const updated = await waitFor('the inbox to show the charge', async () => (await inbox('yjs-south-tees')).body.find((n: any) => n.custodyRef === 'E2E-CU-3' && n.released), 60_000);
    expect(updated.released).toMatchObject({ outcome: 'charged' });
  });
});
