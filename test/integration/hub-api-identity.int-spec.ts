import { newEvent, PersonDto, recordKind } from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { getJson, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

/**
 * The identity review queue through hub-api's HTTP API, with consolidation applying the
 * decisions (one PostgreSQL, the in-process bus): who may use it, what a reviewer sees,
 * reject keeping two people apart, bad decisions refused.
 */
describe('hub-api identity review on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let db: HubOnPostgres['db'];
  const transport = new InProcessTransport();
  let base: string;
  let reviewer: Record<string, string>;

  const person = (personRef: string, givenName: string, postcode: string): PersonDto => ({
    personRef, givenName, familyName: 'Ibbotson', dateOfBirth: '1979-12-01', sex: 'M', address: { line1: '3 Test Lane', postcode },
  });
  const custody = async (custodyRef: string, detainee: PersonDto) => {
    const k = recordKind('police', 'custody-entry');
    const data = { custodyRef, suite: 'Middlesbrough', arrivedAt: '2026-02-01T10:00:00Z', detainee, offence: 'Theft', appropriateAdultRequired: false };
    const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
    await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await transport.drained();
  };
  const subjectOf = async (ref: string) => (await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE person_ref = $1`, [ref]))[0].subject_id;

  beforeAll(async () => {
    hub = await startHubOnPostgres(transport);
    ({ db, base } = hub);
    reviewer = { Authorization: `Bearer ${(await postJson(`${base}/api/auth/demo-token`, { user: 'marac-coordinator' })).body.token}`, 'X-Purpose': 'identity.review' };
    await custody('C-1', person('CP-P-I1', 'Robert', 'TS24 1AA'));
    await custody('C-2', person('CP-P-I2', 'Bob', 'TS24 1AA'));
  });
  afterAll(async () => hub?.close());

  it('lists possible matches with both sides for a reviewer, audited; others are refused', async () => {
    const res = await getJson(`${base}/api/identity/reviews`, reviewer);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      status: 'pending',
      person: { agency: 'police', personRef: 'CP-P-I2', givenName: 'Bob', dateOfBirth: '1979-12-01' },
      candidate: { agency: 'police', personRef: 'CP-P-I1', givenName: 'Robert' },
    });
    expect(res.body[0].reasons).toContain('given-name nickname');
    const [{ n }] = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM hub.audit_log WHERE action = 'identity.reviews.list' AND decision = 'partly-redacted' AND agreement_version = '2026.1'`);
    expect(n).toBe(2); // one row per subject shown
    const analyst = `Bearer ${(await postJson(`${base}/api/auth/demo-token`, { user: 'analyst' })).body.token}`;
    expect((await getJson(`${base}/api/identity/reviews`, { Authorization: analyst, 'X-Purpose': 'identity.review' })).status).toBe(403);
    expect((await getJson(`${base}/api/identity/reviews?status=maybe&limit=0`, reviewer)).body.fields.map((f: any) => f.path)).toEqual(['status', 'limit']);
  });

  it('refuses a decision without a reason, about an unknown item, or an unlink of someone alone', async () => {
    const [item] = (await getJson(`${base}/api/identity/reviews`, reviewer)).body;
    expect(new Set((await postJson(`${base}/api/identity/reviews/${item.id}/reject`, {}, reviewer)).body.fields.map((f: any) => f.path))).toEqual(new Set(['reason']));
    expect((await postJson(`${base}/api/identity/reviews/00000000-0000-4000-8000-000000000000/confirm`, { reason: 'x' }, reviewer)).status).toBe(404);
    const alone = await postJson(`${base}/api/identity/unlink`, { agency: 'police', personRef: 'CP-P-I1', reason: 'x' }, reviewer);
    expect(alone.status).toBe(409);
  });

  it('rejecting keeps the two apart, records the decision and closes the item', async () => {
    const [item] = (await getJson(`${base}/api/identity/reviews`, reviewer)).body;
    const res = await postJson(`${base}/api/identity/reviews/${item.id}/reject`, { reason: 'Different men: Robert is the father' }, reviewer);
    expect(res.status).toBe(202);
    await waitFor('the rejection applied', async () => {
      const [r] = await query<{ status: string }>(db.url, `SELECT status FROM consolidation.identity_reviews WHERE id = $1`, [item.id]);
      return r.status === 'rejected';
    });
    expect(await subjectOf('CP-P-I1')).not.toBe(await subjectOf('CP-P-I2'));
    const decisions = await query<{ decision: string; decided_by: string; reason: string }>(db.url, `SELECT decision, decided_by, reason FROM consolidation.link_decisions WHERE decision = 'reject'`);
    expect(decisions).toEqual([{ decision: 'reject', decided_by: 'marac-coordinator', reason: 'Different men: Robert is the father' }]);
    expect((await getJson(`${base}/api/identity/reviews`, reviewer)).body).toEqual([]);
    expect((await postJson(`${base}/api/identity/reviews/${item.id}/confirm`, { reason: 'changed my mind' }, reviewer)).status).toBe(409);
  });
});
