import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import {
  CloudEvent, CustodyNotificationRaisedData, CustodyNotificationStatusData, CustodyNotificationUpdatedData, dlqTopic, EventTypes, INBOX_STATUS_EVENTS, InboxStatus, newEvent, Topics,
} from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { TokenService } from '../../libs/platform/src';
import { DEMO_USERS } from '../../apps/hub-api/src/auth/demo-users';
import { InboxEscalation } from '../../apps/youth-justice/src/inbox/inbox-escalation.service';
import { startYouthJustice } from '../../apps/youth-justice/src/youth-justice.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { custodyNotificationRaised, freePort, getJson, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

const MINUTE = 60_000;
/** The inbox's clock starts three hours back, so every time it stamps is in the past (status events must be). */
const T0 = new Date(Math.floor((Date.now() - 3 * 60 * MINUTE) / 1000) * 1000);
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

let refs = 0;
function raised(data: Partial<CustodyNotificationRaisedData> = {}): CloudEvent<CustodyNotificationRaisedData> {
  const custodyRef = data.custodyRef ?? `MB-C-${++refs}`;
  return custodyNotificationRaised(new Date(T0.getTime() - 30 * MINUTE - refs * MINUTE), { ...data, custodyRef });
}

function updated(n: CustodyNotificationRaisedData, data: Partial<CustodyNotificationUpdatedData> = {}): CloudEvent<CustodyNotificationUpdatedData> {
  return newEvent<CustodyNotificationUpdatedData>({
    type: EventTypes.CustodyNotificationUpdated,
    source: '/safer-hub/consolidation',
    subject: n.custodyRef,
    partitionKey: n.custodyRef,
    data: { notificationId: n.notificationId, custodyRef: n.custodyRef, subjectId: n.subjectId, team: n.team, releasedAt: new Date(T0.getTime() - 5 * MINUTE).toISOString(), outcome: 'charged', releaseEventId: randomUUID(), ...data },
  });
}

describe('youth justice custody inbox (issue 6) on PostgreSQL, in-process transport', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  let base: string;
  let escalation: InboxEscalation;
  let clock = T0;
  const transport = new InProcessTransport();
  const saved = { demo: process.env.HUB_DEMO_MODE, secret: process.env.HUB_JWT_SECRET, check: process.env.YJS_ESCALATION_CHECK_MS };
  let tokens: TokenService;

  const publish = async (events: CloudEvent[]) => {
    await transport.publisher().publish(events.map((e) => ({ topic: Topics.CustodyNotifications, key: e.partitionkey, value: JSON.stringify(e) })));
    await transport.drained();
  };
  const auth = (user: string) => ({ Authorization: `Bearer ${tokens.sign(DEMO_USERS[user])}` });
  const inbox = (user: string, q = '') => getJson(`${base}/notifications${q}`, auth(user));
  const acknowledge = (user: string, id: string) => postJson(`${base}/notifications/${id}/acknowledge`, {}, auth(user));
  const row = async (id: string) => (await query<Record<string, any>>(db.url, `SELECT * FROM youth_justice.custody_inbox WHERE notification_id = $1`, [id]))[0];
  /** The inbox's status events in its outbox for one notification (and status). */
  const statusEvents = async (id: string, status?: InboxStatus) =>
    (await query<{ message_key: string; topic: string; event: string }>(db.url, `SELECT message_key, topic, event FROM youth_justice.outbox ORDER BY seq`))
      .map((r) => ({ key: r.message_key, topic: r.topic, event: JSON.parse(r.event) as CloudEvent<CustodyNotificationStatusData> }))
      .filter((r) => r.event.data.notificationId === id && (!status || r.event.type === INBOX_STATUS_EVENTS[status]));

  beforeAll(async () => {
    // Demo mode without a secret: the test's TokenService and the service's share the process's one.
    process.env.HUB_DEMO_MODE = 'true';
    delete process.env.HUB_JWT_SECRET;
    process.env.YJS_ESCALATION_CHECK_MS = '100';
    tokens = new TokenService();
    db = await createTestDatabase();
    const port = await freePort();
    app = await startYouthJustice({ transport, databaseUrl: db.url, port, now: () => clock });
    base = `http://127.0.0.1:${port}`;
    escalation = app.get(InboxEscalation);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    for (const [name, value] of [['HUB_DEMO_MODE', saved.demo], ['HUB_JWT_SECRET', saved.secret], ['YJS_ESCALATION_CHECK_MS', saved.check]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  beforeEach(() => {
    clock = T0;
  });

  it('a raised notification for Hartlepool lands in Hartlepool’s inbox, not Stockton’s, and says delivered', async () => {
    const event = raised();
    const n = event.data;
    await publish([event]);

    const hartlepool = await inbox('yjs-hartlepool');
    expect(hartlepool.status).toBe(200);
    expect(hartlepool.body.find((x: { id: string }) => x.id === n.notificationId)).toEqual({
      id: n.notificationId,
      custodyRef: n.custodyRef,
      subjectId: n.subjectId,
      team: 'hartlepool',
      arrivedAt: n.arrivedAt,
      childBasis: 'age',
      ageAtArrival: 15,
      appropriateAdultRequired: true,
      receivedAt: T0.toISOString(),
      acknowledged: null,
      escalatedAt: null,
      released: null,
      details: `http://127.0.0.1:3000/api/custody/notifications/${n.notificationId}`,
    });
    expect((await inbox('yjs-stockton')).body.map((x: { id: string }) => x.id)).not.toContain(n.notificationId);
    expect((await inbox('yjs-manager-hartlepool')).body.map((x: { id: string }) => x.id)).toContain(n.notificationId);

    const delivered = await statusEvents(n.notificationId, 'delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ key: n.custodyRef, topic: Topics.CustodyInbox });
    expect(delivered[0].event).toMatchObject({
      source: '/safer-hub/youth-justice',
      subject: n.custodyRef,
      partitionkey: n.custodyRef,
      causationid: event.id,
      correlationid: event.correlationid,
      data: { notificationId: n.notificationId, custodyRef: n.custodyRef, team: 'hartlepool', status: 'delivered', at: T0.toISOString() },
    });
    // The relay publishes it on the inbox topic under the custody ref.
    const message = await waitFor('the delivered event on the bus', async () => transport.read(Topics.CustodyInbox).find((m) => JSON.parse(m.value!).id === delivered[0].event.id));
    expect(message.key).toBe(n.custodyRef);
  });

  it('the same notification delivered twice, redelivered later, or raised again under a new event id gives one row and one delivered event', async () => {
    const event = raised({ team: 'stockton' });
    await publish([event, event]);
    await publish([event]);
    await publish([{ ...event, id: randomUUID() }]);
    const [{ n }] = await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM youth_justice.custody_inbox WHERE notification_id = $1`, [event.data.notificationId]);
    expect(Number(n)).toBe(1);
    expect(await statusEvents(event.data.notificationId, 'delivered')).toHaveLength(1);
    // ON CONFLICT let the re-raised one through quietly: nothing was dead-lettered.
    expect(transport.read(dlqTopic(Topics.CustodyNotifications)).filter((m) => JSON.parse(m.value!).data.notificationId === event.data.notificationId)).toEqual([]);
    expect((await inbox('yjs-stockton')).body.filter((x: { id: string }) => x.id === event.data.notificationId)).toHaveLength(1);
  });

  it('skips out-of-area and needs-placement notifications (the navigators’ queue in hub-api)', async () => {
    const away = raised({ route: 'out-of-area', team: undefined, localAuthority: 'Darlington', district: 'DL1' });
    const unplaced = raised({ route: 'needs-placement', team: undefined, district: undefined });
    const ours = raised({ team: 'south-tees' });
    await publish([away, unplaced, ours]);
    expect(await row(away.data.notificationId)).toBeUndefined();
    expect(await row(unplaced.data.notificationId)).toBeUndefined();
    expect(await statusEvents(away.data.notificationId)).toEqual([]);
    expect(await statusEvents(unplaced.data.notificationId)).toEqual([]);
    // The batch itself went through: the Cleveland one beside them landed.
    expect(await row(ours.data.notificationId)).toMatchObject({ team: 'south-tees' });
  });

  it('a YJS notification without a team is dead-lettered, not dropped', async () => {
    const broken = raised({ team: undefined });
    await publish([broken]);
    expect(await row(broken.data.notificationId)).toBeUndefined();
    const dead = transport.read(dlqTopic(Topics.CustodyNotifications)).filter((m) => JSON.parse(m.value!).id === broken.id);
    expect(dead).toHaveLength(1);
  });

  describe('acknowledging', () => {
    let n: CustodyNotificationRaisedData;
    beforeAll(async () => {
      clock = T0;
      const event = raised();
      n = event.data;
      await publish([event]);
    });

    it('refuses an id that is not a UUID (400 naming id), an unknown one (404) and another team’s officer (403)', async () => {
      const bad = await acknowledge('yjs-hartlepool', 'not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.fields).toEqual([{ path: 'id', reason: expect.any(String) }]);
      const unknown = await acknowledge('yjs-hartlepool', randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: expect.any(String), fields: [] });
      const stockton = await acknowledge('yjs-stockton', n.notificationId);
      expect(stockton.status).toBe(403);
      expect(stockton.body.error).toEqual(expect.any(String));
      const stocktonManager = await acknowledge('yjs-manager-stockton', n.notificationId);
      expect(stocktonManager.status).toBe(403);
      expect(await row(n.notificationId)).toMatchObject({ acknowledged_at: null, acknowledged_by: null });
      expect(await statusEvents(n.notificationId, 'acknowledged')).toEqual([]);
    });

    it('records the Hartlepool officer and the time, with the acknowledged event; a second acknowledgement returns the first', async () => {
      clock = at(12);
      const first = await acknowledge('yjs-hartlepool', n.notificationId);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: n.notificationId, acknowledged: { at: at(12).toISOString(), by: { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' } } });
      const stored = await row(n.notificationId);
      expect(stored.acknowledged_at.toISOString()).toBe(at(12).toISOString());
      expect(stored.acknowledged_by).toEqual({ sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' });
      const events = await statusEvents(n.notificationId, 'acknowledged');
      expect(events).toHaveLength(1);
      expect(events[0].event.data).toEqual({
        notificationId: n.notificationId, custodyRef: n.custodyRef, team: 'hartlepool', status: 'acknowledged', at: at(12).toISOString(),
        by: { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' },
      });
      expect(events[0].key).toBe(n.custodyRef);

      clock = at(20);
      const again = await acknowledge('yjs-manager-hartlepool', n.notificationId);
      expect(again).toEqual({ status: 200, body: first.body });
      expect((await row(n.notificationId)).acknowledged_by).toEqual({ sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' });
      expect(await statusEvents(n.notificationId, 'acknowledged')).toHaveLength(1);

      const ids = async (q: string) => (await inbox('yjs-hartlepool', q)).body.map((x: { id: string }) => x.id);
      expect(await ids('?status=acknowledged')).toContain(n.notificationId);
      expect(await ids('?status=unacknowledged')).not.toContain(n.notificationId);
    });

    it('a manager of the team may acknowledge', async () => {
      const event = raised({ team: 'stockton' });
      await publish([event]);
      const res = await acknowledge('yjs-manager-stockton', event.data.notificationId);
      expect(res.status).toBe(200);
      expect(res.body.acknowledged.by).toEqual({ sub: 'yjs-manager-stockton', name: 'Viv Hope (Stockton YJS manager)' });
    });
  });

  describe('escalation to the team’s managers', () => {
    it('nothing at 59 minutes; at 61 the unacknowledged one escalates once, the acknowledged one never', async () => {
      const waiting = raised({ team: 'stockton' });
      const seen = raised({ team: 'stockton' });
      await publish([waiting, seen]);
      clock = at(30);
      expect((await acknowledge('yjs-stockton', seen.data.notificationId)).status).toBe(200);

      expect(await escalation.escalateDue(at(59))).toBe(0);
      expect((await row(waiting.data.notificationId)).escalated_at).toBeNull();
      expect(await statusEvents(waiting.data.notificationId, 'escalated')).toEqual([]);

      expect(await escalation.escalateDue(at(61))).toBeGreaterThanOrEqual(1);
      expect((await row(waiting.data.notificationId)).escalated_at.toISOString()).toBe(at(61).toISOString());
      const events = await statusEvents(waiting.data.notificationId, 'escalated');
      expect(events).toHaveLength(1);
      expect(events[0].event).toMatchObject({ causationid: waiting.id, data: { status: 'escalated', team: 'stockton', at: at(61).toISOString() } });

      expect(await escalation.escalateDue(at(90))).toBe(0);
      expect(await statusEvents(waiting.data.notificationId, 'escalated')).toHaveLength(1);
      expect((await row(waiting.data.notificationId)).escalated_at.toISOString()).toBe(at(61).toISOString());
      expect((await row(seen.data.notificationId)).escalated_at).toBeNull();
      expect(await statusEvents(seen.data.notificationId, 'escalated')).toEqual([]);

      const escalated = async (user: string) => (await inbox(user, '?status=escalated')).body.map((x: { id: string }) => x.id);
      expect(await escalated('yjs-manager-stockton')).toContain(waiting.data.notificationId);
      expect(await escalated('yjs-manager-stockton')).not.toContain(seen.data.notificationId);
      expect(await escalated('yjs-stockton')).toContain(waiting.data.notificationId);
      expect(await escalated('yjs-manager-hartlepool')).not.toContain(waiting.data.notificationId);
    });

    it('the timer escalates on its own once the time has passed', async () => {
      clock = at(200);
      const event = raised({ team: 'south-tees' });
      await publish([event]);
      await new Promise((r) => setTimeout(r, 300));
      expect((await row(event.data.notificationId)).escalated_at).toBeNull();
      clock = at(261);
      const escalatedAt = await waitFor('the timer’s escalation', async () => ((await row(event.data.notificationId)).escalated_at as Date | null) ?? undefined, 10_000);
      expect(escalatedAt.toISOString()).toBe(at(261).toISOString());
      expect(await statusEvents(event.data.notificationId, 'escalated')).toHaveLength(1);
    });
  });

  it('release, charge or transfer updates the notification; an update for one not in the inbox is ignored', async () => {
    const event = raised();
    await publish([event]);
    const stranger = raised({ team: 'stockton' }).data;
    await publish([updated(stranger), updated(event.data, { outcome: 'transferred-to-la-accommodation' })]);
    const item = (await inbox('yjs-hartlepool')).body.find((x: { id: string }) => x.id === event.data.notificationId);
    expect(item.released).toEqual({ at: new Date(T0.getTime() - 5 * MINUTE).toISOString(), outcome: 'transferred-to-la-accommodation' });
    expect(await row(stranger.notificationId)).toBeUndefined();
    const dead = transport.read(dlqTopic(Topics.CustodyNotifications)).map((m) => JSON.parse(m.value!).type);
    expect(dead).not.toContain(EventTypes.CustodyNotificationUpdated);
  });

  it('answers 401 without a token or with a forged one, 403 to an analyst or a YJS role without a team, 400 to a bad status', async () => {
    expect((await getJson(`${base}/notifications`)).status).toBe(401);
    expect((await postJson(`${base}/notifications/${randomUUID()}/acknowledge`, {})).status).toBe(401);
    const forged = jwt.sign({ roles: ['yjs-officer'], agency: 'yjs-hartlepool', team: 'hartlepool' }, 'not-the-secret', { subject: 'x', issuer: 'safer-hub', audience: 'safer-hub-api' });
    const refused = await getJson(`${base}/notifications`, { Authorization: `Bearer ${forged}` });
    expect(refused).toEqual({ status: 401, body: { error: expect.any(String), fields: [] } });
    expect((await inbox('analyst')).status).toBe(403);
    expect((await inbox('custody-navigator')).status).toBe(403);
    const teamless = tokens.sign({ sub: 'yjs-x', name: 'No Team', agency: 'yjs-hartlepool', roles: ['yjs-officer'] });
    expect((await getJson(`${base}/notifications`, { Authorization: `Bearer ${teamless}` })).status).toBe(403);
    const bad = await inbox('yjs-hartlepool', '?status=pending&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['limit', 'status']);
    expect((await inbox('yjs-hartlepool', '?status=unacknowledged')).status).toBe(200);
  });

  it('documents the inbox in the edge’s OpenAPI, saying it holds refs only', async () => {
    const doc = (await getJson(`${base}/api/docs-json`)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/notifications', '/notifications/{id}/acknowledge']));
    expect(doc.paths['/notifications'].get.description).toMatch(/details/);
    expect(doc.components.schemas.InboxNotificationDto.required).toEqual(expect.arrayContaining(['id', 'custodyRef', 'acknowledged', 'released', 'details']));
  });
});
