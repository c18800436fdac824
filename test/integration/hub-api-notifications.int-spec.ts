import { newEvent, recordKind } from '../../libs/contracts/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { getJson, incident } from '../support/fixtures';

/**
 * Work items the rules raise reach their owner team as notifications, cut for the reader
 * when delivered (one PostgreSQL, the in-process bus): a joint visit after a second DA
 * incident goes to police (and Harbour), not to housing; each delivery is audited.
 */
describe('hub-api notifications on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let db: HubOnPostgres['db'];
  let transport: HubOnPostgres['transport'];
  let base: string;
  const as = (user: string, purpose: string) => hub.as(user, purpose);

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    ({ db, transport, base } = hub);
    const k = recordKind('police', 'domestic-incident');
    for (const data of [incident('NT-DA-1', 'NT-V-1', { daysAgo: 40 }), incident('NT-DA-2', 'NT-V-1', { daysAgo: 2 })]) {
      const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
      await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
      await transport.drained();
    }
  });
  afterAll(async () => hub?.close());

  it('delivers a joint visit to the police MARAC member with both incidents cut by the MARAC clause, once per team', async () => {
    const police = await as('marac-member-police', 'marac.risk-management');
    const res = await getJson(`${base}/api/notifications`, police);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [n] = res.body;
    expect(n).toMatchObject({ kind: 'work-item.joint-visit', purpose: 'marac.risk-management', workItemStatus: 'open', withheld: 0 });
    expect(n.records.map((r: { clause: string }) => r.clause)).toEqual(['marac.da-incident', 'marac.da-incident']);
    expect(n.records[0].record.victim).toEqual({ givenName: 'Test', familyName: expect.any(String), dateOfBirth: expect.any(String), address: { postcode: expect.any(String) } });
    expect(n.records[0].record.victim.personRef).toBeUndefined();
    // the second read delivers the same one notification: materialised once per work item and team
    expect((await getJson(`${base}/api/notifications`, police)).body).toHaveLength(1);
    const [{ n: rows }] = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM hub.notifications WHERE kind = 'work-item.joint-visit'`);
    expect(rows).toBe(2); // police and harbour
    const audited = await query<{ decision: string; clauses: string[] }>(db.url, `SELECT decision, clauses FROM hub.audit_log WHERE action = 'notifications.deliver work-item.joint-visit'`);
    expect(audited).toEqual([{ decision: 'partly-redacted', clauses: ['marac.da-incident'] }, { decision: 'partly-redacted', clauses: ['marac.da-incident'] }]);
  });

  it('does not deliver it to a team it is not addressed to, nor for a purpose the role may not use', async () => {
    expect((await getJson(`${base}/api/notifications`, await as('marac-member-housing', 'marac.risk-management'))).body).toEqual([]);
    expect((await getJson(`${base}/api/notifications`, await as('treatment-worker', 'marac.risk-management'))).status).toBe(403);
    expect((await getJson(`${base}/api/notifications?limit=0`, await as('marac-member-police', 'marac.risk-management'))).body.fields).toEqual([{ path: 'limit', reason: expect.any(String) }]);
  });
});
