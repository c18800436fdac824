import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { CloudEvent, CustodyNotificationRaisedData, Topics } from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { startYouthJustice } from '../../apps/youth-justice/src/youth-justice.bootstrap';
import { custodyNotificationRaised, freePort, getJson, postJson } from '../support/fixtures';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';

const PURPOSE = 'custody.yjs-notification';
const MINUTE = 60_000;

let refs = 0;
function raised(team: 'hartlepool' | 'stockton'): CloudEvent<CustodyNotificationRaisedData> {
  const custodyRef = `MB-C-PROXY-${++refs}`;
  return custodyNotificationRaised(new Date(Date.now() - (30 + refs) * MINUTE), { custodyRef, team, district: team === 'hartlepool' ? 'TS24' : 'TS18' });
}

/**
 * hub-api's proxy to the youth-justice custody inbox, for the web app (which may talk to
 * hub-api only): the caller's token forwarded, the edge's answers unchanged, hub-api's own
 * role and purpose check first, and a clear answer when the edge is down or slow. hub-api,
 * consolidation and the youth-justice edge in-process on one PostgreSQL database.
 */
describe('hub-api proxy to the youth-justice custody inbox, on PostgreSQL', () => {
  const transport = new InProcessTransport();
  const saved = { secret: process.env.HUB_JWT_SECRET, url: process.env.YOUTH_JUSTICE_URL, timeout: process.env.YJS_INBOX_TIMEOUT_MS };
  let hub: HubOnPostgres;
  let edge: INestApplication;
  let edgeBase: string;
  let hartlepool: CustodyNotificationRaisedData;
  let stockton: CustodyNotificationRaisedData;

  const inbox = `/api/agencies/youth-justice/notifications`;
  const list = async (user: string, q = '', purpose = PURPOSE) => getJson(`${hub.base}${inbox}${q}`, await hub.as(user, purpose));
  const acknowledge = async (user: string, id: string) => postJson(`${hub.base}${inbox}/${id}/acknowledge`, {}, await hub.as(user, PURPOSE));
  const ids = (body: { id: string }[]) => body.map((n) => n.id);

  beforeAll(async () => {
    // Demo mode without a secret: hub-api and the edge verify with the process's one secret, as in the default run.
    delete process.env.HUB_JWT_SECRET;
    hub = await startHubOnPostgres(transport);
    const port = await freePort();
    edge = await startYouthJustice({ transport, databaseUrl: hub.db.url, port });
    edgeBase = `http://127.0.0.1:${port}`;
    process.env.YOUTH_JUSTICE_URL = edgeBase;
    const events = [raised('hartlepool'), raised('stockton')];
    await transport.publisher().publish(events.map((e) => ({ topic: Topics.CustodyNotifications, key: e.partitionkey, value: JSON.stringify(e) })));
    await transport.drained();
    [hartlepool, stockton] = events.map((e) => e.data);
  });

  afterAll(async () => {
    await edge?.close();
    await hub?.close();
    for (const [name, value] of [['HUB_JWT_SECRET', saved.secret], ['YOUTH_JUSTICE_URL', saved.url], ['YJS_INBOX_TIMEOUT_MS', saved.timeout]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  afterEach(() => {
    process.env.YOUTH_JUSTICE_URL = edgeBase;
    delete process.env.YJS_INBOX_TIMEOUT_MS;
  });

  it('forwards a YJS officer’s list with their token: their own team’s notifications, as the edge answers', async () => {
    const res = await list('yjs-hartlepool');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toContain(hartlepool.notificationId);
    expect(ids(res.body)).not.toContain(stockton.notificationId);
    // the same answer the edge gives the same officer
    const direct = await getJson(`${edgeBase}/notifications`, { Authorization: (await hub.as('yjs-hartlepool', PURPOSE)).Authorization });
    expect(res.body).toEqual(direct.body);
    expect(res.body.find((n: { id: string }) => n.id === hartlepool.notificationId)).toMatchObject({
      custodyRef: hartlepool.custodyRef, subjectId: hartlepool.subjectId, team: 'hartlepool', ageAtArrival: 15, acknowledged: null,
    });
    // Stockton's officer sees Stockton's
    expect(ids((await list('yjs-stockton')).body)).toContain(stockton.notificationId);
  });

  it('passes the query through, and the edge’s 400 back unchanged', async () => {
    expect(ids((await list('yjs-hartlepool', '?status=unacknowledged&limit=5')).body)).toContain(hartlepool.notificationId);
    expect(ids((await list('yjs-hartlepool', '?status=acknowledged')).body)).not.toContain(hartlepool.notificationId);
    const bad = await list('yjs-hartlepool', '?status=lost&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'bad query', fields: [expect.objectContaining({ path: 'status' }), expect.objectContaining({ path: 'limit' })] });
  });

  it('acknowledges for the officer: who and when recorded by the edge, the answer unchanged, the action audited in the hub', async () => {
    const res = await acknowledge('yjs-hartlepool', hartlepool.notificationId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: hartlepool.notificationId, acknowledged: { at: expect.any(String), by: { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)' } } });
    expect(ids((await list('yjs-hartlepool', '?status=acknowledged')).body)).toContain(hartlepool.notificationId);
    // a manager acknowledging again gets the first acknowledgement back
    const again = await acknowledge('yjs-manager-hartlepool', hartlepool.notificationId);
    expect(again).toEqual({ status: 200, body: res.body });
    const audit = await query<{ actor: string; subject_id: string; purpose: string }>(hub.db.url, `SELECT actor, subject_id, purpose FROM hub.audit_log WHERE action = 'custody.inbox.acknowledge' ORDER BY id`);
    expect(audit).toEqual([
      { actor: 'yjs-hartlepool', subject_id: hartlepool.subjectId, purpose: PURPOSE },
      { actor: 'yjs-manager-hartlepool', subject_id: hartlepool.subjectId, purpose: PURPOSE },
    ]);
  });

  it('returns the edge’s refusals unchanged: another team’s notification (403), an unknown one (404)', async () => {
    const other = await acknowledge('yjs-hartlepool', stockton.notificationId);
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ error: 'the notification is for another team, not hartlepool', fields: [] });
    const unknown = await acknowledge('yjs-hartlepool', randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.stringContaining('no custody notification'), fields: [] });
  });

  it('checks the id itself: not a UUID is a 400 naming id, and the edge is not asked', async () => {
    // with no edge to ask, a 400 (not a 502) shows the proxy answered on its own
    process.env.YOUTH_JUSTICE_URL = `http://127.0.0.1:${await freePort()}`;
    const bad = await acknowledge('yjs-hartlepool', 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'bad notification id', fields: [{ path: 'id', reason: 'must be a UUID' }] });
  });

  it('refuses a role other than YJS (403, audited), another purpose (403), and no token (401), before the edge is asked', async () => {
    for (const user of ['marac-coordinator', 'custody-navigator', 'auditor']) {
      const res = await list(user);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: expect.stringContaining('may not use this route'), fields: [] });
    }
    const navigator = await acknowledge('custody-navigator', stockton.notificationId);
    expect(navigator.status).toBe(403);
    const denied = await query<{ actor: string }>(hub.db.url, `SELECT actor FROM hub.audit_log WHERE decision = 'denied' AND action LIKE '%youth-justice/notifications%'`);
    expect(denied.map((r) => r.actor)).toEqual(expect.arrayContaining(['marac-coordinator', 'custody-navigator', 'auditor']));

    // with no edge to ask, still refused (not a 502): the hub's own check comes first
    process.env.YOUTH_JUSTICE_URL = `http://127.0.0.1:${await freePort()}`;
    expect((await list('police-officer')).status).toBe(403);
    const wrongPurpose = await list('yjs-hartlepool', '', 'marac.risk-management');
    expect(wrongPurpose.status).toBe(403);
    const anonymous = await getJson(`${hub.base}${inbox}`, { 'X-Purpose': PURPOSE });
    expect(anonymous.status).toBe(401);
    // nothing was acknowledged by any of them
    const [row] = await query<{ acknowledged_at: Date | null }>(hub.db.url, `SELECT acknowledged_at FROM youth_justice.custody_inbox WHERE notification_id = $1`, [stockton.notificationId]);
    expect(row.acknowledged_at).toBeNull();
  });

  it('is described in hub-api’s OpenAPI document', async () => {
    const docs = await getJson(`${hub.base}/api/docs-json`);
    expect(docs.status).toBe(200);
    const paths = docs.body.paths;
    expect(Object.keys(paths[inbox])).toEqual(['get']);
    expect(Object.keys(paths[`${inbox}/{id}/acknowledge`])).toEqual(['post']);
    expect(Object.keys(paths[inbox].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '502', '504']));
    expect(paths[inbox].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'limit']));
  });

  it('an edge that cannot be reached is a 502 in the public error shape', async () => {
    process.env.YOUTH_JUSTICE_URL = `http://127.0.0.1:${await freePort()}`;
    const res = await list('yjs-hartlepool');
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'the youth justice custody inbox cannot be reached: try again shortly', fields: [] });
    const ack = await acknowledge('yjs-hartlepool', stockton.notificationId);
    expect(ack.status).toBe(502);
    expect(ack.body).toEqual({ error: expect.any(String), fields: [] });
  });

  it('an edge that does not answer in time is a 504; one that answers with something not JSON a 502', async () => {
    const silent: Server = createServer(() => undefined);
    const garbled: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'));
    const listen = async (server: Server) => {
      const port = await freePort();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return `http://127.0.0.1:${port}`;
    };
    try {
      process.env.YJS_INBOX_TIMEOUT_MS = '300';
      process.env.YOUTH_JUSTICE_URL = await listen(silent);
      const started = Date.now();
      const slow = await list('yjs-hartlepool');
      expect(slow.status).toBe(504);
      expect(slow.body).toEqual({ error: expect.stringContaining('did not answer within 0.3 s'), fields: [] });
      expect(Date.now() - started).toBeLessThan(5_000);

      process.env.YOUTH_JUSTICE_URL = await listen(garbled);
      const bad = await list('yjs-hartlepool');
      expect(bad.status).toBe(502);
      expect(bad.body).toEqual({ error: expect.any(String), fields: [] });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      await new Promise((resolve) => garbled.close(resolve));
    }
  });
});
