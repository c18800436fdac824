import { randomUUID } from 'node:crypto';
import { CloudEvent, EventTypes, INBOX_STATUS_EVENTS, InboxStatus, newEvent, recordKind, Topics } from '../../libs/contracts/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { daysAgo, getJson } from '../support/fixtures';
import { waitFor } from '../support/services';

/**
 * Children in custody through consolidation and hub-api on PostgreSQL (in-process bus): a
 * child's custody entry raises one notification routed by home address, redelivery raises
 * nothing more, an adult raises none, the release updates it, a positive test refers to
 * START; the inbox's reports show on the navigators' board, which is cut by the agreement.
 */
describe('children in custody on PostgreSQL', () => {
  let hub: HubOnPostgres;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(hub.db.url, text, params);
  /** a date of birth `years` (calendar) and `days` before today, a few days clear of any birthday unless `days` says otherwise */
  const yearsAgo = (years: number, days = 5) => {
    const d = new Date(Date.now() - days * 86_400_000);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return d.toISOString().slice(0, 10);
  };

  async function publish(agency: string, kind: string, data: any, event?: CloudEvent): Promise<CloudEvent> {
    const k = recordKind(agency, kind);
    const e = event ?? newEvent({ type: k.eventType, source: `/safer-hub/${agency}`, partitionKey: k.partitionKey(data), data });
    await hub.transport.publisher().publish([{ topic: k.topic, key: e.partitionkey, value: JSON.stringify(e) }]);
    await hub.transport.drained();
    return e;
  }
  const child = (ref: string, postcode: string | undefined, dateOfBirth: string | undefined) => ({
    personRef: ref, givenName: 'Kid', familyName: `Custody-${ref.replace(/\W/g, '')}`, ...(dateOfBirth ? { dateOfBirth } : {}), ...(postcode ? { address: { line1: '3 Dock Street', postcode } } : {}),
  });
  const entry = (custodyRef: string, detainee: object, hoursAgo = 2, extra: object = {}) => ({
    custodyRef, suite: 'Middlesbrough', arrivedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), detainee, offence: 'Criminal damage', appropriateAdultRequired: true, ...extra,
  });
  const outboxOf = (type: string) => sql<{ event: CloudEvent<any> }>(`SELECT event::jsonb AS event FROM consolidation.outbox WHERE event::jsonb->>'type' = $1 ORDER BY seq`, [type]);

  beforeAll(async () => {
    hub = await startHubOnPostgres();
  });
  afterAll(async () => hub?.close());

  it('routes each child by home address: Hartlepool, Stockton, South Tees, out of area naming the authority, or for the navigator to place', async () => {
    await publish('police', 'custody-entry', entry('CU-H-1', child('CU-P-1', 'TS24 7AA', yearsAgo(15))));
    await publish('police', 'custody-entry', entry('CU-S-1', child('CU-P-2', 'TS18 1AA', yearsAgo(16))));
    await publish('police', 'custody-entry', entry('CU-R-1', child('CU-P-3', 'TS10 1AA', yearsAgo(14))));
    await publish('police', 'custody-entry', entry('CU-O-1', child('CU-P-4', 'DL1 5AA', yearsAgo(13))));
    await publish('police', 'custody-entry', entry('CU-N-1', child('CU-P-5', undefined, undefined), 1, { appearsUnder18: true }));
    const rows = await sql(`SELECT custody_ref, route, team, local_authority, child_basis, age_at_arrival FROM consolidation.custody_notifications ORDER BY custody_ref`);
    expect(rows).toEqual([
      { custody_ref: 'CU-H-1', route: 'yjs', team: 'hartlepool', local_authority: null, child_basis: 'age', age_at_arrival: 15 },
      { custody_ref: 'CU-N-1', route: 'needs-placement', team: null, local_authority: null, child_basis: 'appears-under-18', age_at_arrival: null },
      { custody_ref: 'CU-O-1', route: 'out-of-area', team: null, local_authority: 'Darlington', child_basis: 'age', age_at_arrival: 13 },
      { custody_ref: 'CU-R-1', route: 'yjs', team: 'south-tees', local_authority: null, child_basis: 'age', age_at_arrival: 14 },
      { custody_ref: 'CU-S-1', route: 'yjs', team: 'stockton', local_authority: null, child_basis: 'age', age_at_arrival: 16 },
    ]);
    const raised = await outboxOf(EventTypes.CustodyNotificationRaised);
    expect(raised.map((r) => r.event.data.custodyRef).sort()).toEqual(['CU-H-1', 'CU-N-1', 'CU-O-1', 'CU-R-1', 'CU-S-1']);
    // refs and hub ids only on the bus: no name, date of birth or address
    expect(JSON.stringify(raised.map((r) => r.event.data))).not.toMatch(/Kid|Custody-|Dock Street|TS24 7AA/);
  });

  it('notifies once under redelivery of the same event and when police send the same custody record again', async () => {
    const e = await publish('police', 'custody-entry', entry('CU-D-1', child('CU-P-6', 'TS25 1AB', '2008-10-02'), 0, { arrivedAt: '2026-10-01T12:00:00Z' }) /* 17 years 364 days */);
    await publish('police', 'custody-entry', e.data, e);
    await publish('police', 'custody-entry', e.data); // a new event id for the same custody record
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.custody_notifications WHERE custody_ref = 'CU-D-1'`);
    expect(n).toBe(1);
    expect((await outboxOf(EventTypes.CustodyNotificationRaised)).filter((r) => r.event.data.custodyRef === 'CU-D-1')).toHaveLength(1);
  });

  it('raises nothing for an adult (18 on arrival), and uses the open YJS case when the address is on a boundary', async () => {
    await publish('police', 'custody-entry', entry('CU-A-1', child('CU-P-7', 'TS24 7AA', '2008-10-01'), 0, { arrivedAt: '2026-10-01T12:00:00Z' }));
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.custody_notifications WHERE custody_ref = 'CU-A-1'`);
    expect(n).toBe(0);

    const kid = child('YJ-P-8', 'TS27 3AA', yearsAgo(15));
    await publish('youth-justice', 'yjs-referral', { referralRef: 'YJ-R-8', referredAt: daysAgo(30), child: kid, team: 'hartlepool', source: 'police', caseOpenedAt: daysAgo(29) });
    await publish('police', 'custody-entry', entry('CU-B-1', { ...kid, personRef: 'CU-P-8', identifiers: { crossRefs: [{ agency: 'youth-justice', personRef: 'YJ-P-8' }] } }));
    const [row] = await sql(`SELECT route, team FROM consolidation.custody_notifications WHERE custody_ref = 'CU-B-1'`);
    expect(row).toEqual({ route: 'yjs', team: 'hartlepool' });
  });

  it('places a waiting child once their YJS case reaches the hub after the custody entry, under the same notification id', async () => {
    const kid = child('CU-P-9', 'TS21 3AA', yearsAgo(14));
    await publish('police', 'custody-entry', entry('CU-W-1', kid));
    const [waiting] = await sql(`SELECT id, route, team FROM consolidation.custody_notifications WHERE custody_ref = 'CU-W-1'`);
    expect(waiting).toMatchObject({ route: 'needs-placement', team: null });
    await publish('youth-justice', 'yjs-referral', { referralRef: 'YJ-R-9', referredAt: daysAgo(20), child: { ...kid, personRef: 'YJ-P-9', identifiers: { crossRefs: [{ agency: 'police', personRef: 'CU-P-9' }] } }, team: 'stockton', source: 'police', caseOpenedAt: daysAgo(19) });
    const [placed] = await sql(`SELECT id, route, team, placement_reason FROM consolidation.custody_notifications WHERE custody_ref = 'CU-W-1'`);
    expect(placed).toEqual({ id: waiting.id, route: 'yjs', team: 'stockton', placement_reason: null });
    const raised = (await outboxOf(EventTypes.CustodyNotificationRaised)).filter((r) => r.event.data.custodyRef === 'CU-W-1').map((r) => r.event.data);
    expect(raised).toEqual([expect.objectContaining({ notificationId: waiting.id, route: 'needs-placement' }), expect.objectContaining({ notificationId: waiting.id, route: 'yjs', team: 'stockton' })]);
  });

  it('updates the notification once when the child is released, charged or transferred', async () => {
    const release = { custodyRef: 'CU-H-1', releasedAt: new Date().toISOString(), outcome: 'transferred-to-la-accommodation', detainee: child('CU-P-1', 'TS24 7AA', yearsAgo(15)) };
    const e = await publish('police', 'custody-release', release);
    await publish('police', 'custody-release', release, e);
    const [row] = await sql(`SELECT outcome, released_at IS NOT NULL AS released FROM consolidation.custody_notifications WHERE custody_ref = 'CU-H-1'`);
    expect(row).toEqual({ outcome: 'transferred-to-la-accommodation', released: true });
    const updated = await outboxOf(EventTypes.CustodyNotificationUpdated);
    expect(updated.map((u) => u.event.data)).toEqual([expect.objectContaining({ custodyRef: 'CU-H-1', team: 'hartlepool', outcome: 'transferred-to-la-accommodation' })]);
  });

  it('refers a positive test in custody to START once: the young people’s team for a child, criminal justice for an adult; a negative one not at all', async () => {
    const test = (testRef: string, person: object, result: 'positive' | 'negative', custodyRef?: string) => ({
      testRef, testedAt: new Date(Date.now() - 60_000).toISOString(), person, result, ...(result === 'positive' ? { substances: ['cocaine'] } : {}), ...(custodyRef ? { custodyRef } : {}),
    });
    const e = await publish('treatment', 'drug-test-on-arrest', test('DT-1', child('ST-P-1', 'TS24 7AA', yearsAgo(16)), 'positive', 'CU-H-1'));
    await publish('treatment', 'drug-test-on-arrest', e.data, e);
    await publish('treatment', 'drug-test-on-arrest', test('DT-2', child('ST-P-2', 'TS24 7AA', yearsAgo(30)), 'positive'));
    await publish('treatment', 'drug-test-on-arrest', test('DT-3', child('ST-P-3', 'TS24 7AA', yearsAgo(16)), 'negative'));
    // no date of birth: a child because the custody record was a child's
    await publish('treatment', 'drug-test-on-arrest', test('DT-4', child('ST-P-4', undefined, undefined), 'positive', 'CU-N-1'));
    const referrals = await outboxOf(EventTypes.TreatmentReferralRequested);
    expect(referrals.map((r) => [r.event.data.testRef, r.event.data.service])).toEqual([['DT-1', 'young-people'], ['DT-2', 'criminal-justice'], ['DT-4', 'young-people']]);
    expect(JSON.stringify(referrals.map((r) => r.event.data))).not.toMatch(/cocaine|Kid/);
  });

  it('moves a child’s custody notifications with the person when a reviewer merges two records, and back when one is unlinked', async () => {
    const reviewer = await hub.as('marac-coordinator', 'identity.review');
    const robbie = (ref: string, givenName: string) => ({ personRef: ref, givenName, familyName: 'Ibbotson', dateOfBirth: yearsAgo(15), address: { line1: '3 Test Lane', postcode: 'TS24 1AA' } });
    await publish('police', 'custody-entry', entry('CU-M-1', robbie('CU-PM-1', 'Robert')));
    await publish('police', 'custody-entry', entry('CU-M-2', robbie('CU-PM-2', 'Rob')));
    const subjects = async () => (await sql<{ custody_ref: string; subject_id: string }>(`SELECT custody_ref, subject_id FROM consolidation.custody_notifications WHERE custody_ref LIKE 'CU-M-%' ORDER BY custody_ref`)).map((r) => r.subject_id);
    const [a, b] = await subjects();
    expect(a).not.toBe(b);
    const item = (await getJson(`${hub.base}/api/identity/reviews`, reviewer)).body.find((r: any) => r.person.personRef === 'CU-PM-2');
    expect((await fetch(`${hub.base}/api/identity/reviews/${item.id}/confirm`, { method: 'POST', headers: { ...reviewer, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'same boy' }) })).status).toBe(202);
    // hub-api's outbox relays the decision; consolidation applies it
    const merged = await waitFor('the merge applied', async () => ((m) => (m[0] === m[1] ? m : undefined))(await subjects()));
    const unlink = await fetch(`${hub.base}/api/identity/unlink`, { method: 'POST', headers: { ...reviewer, 'content-type': 'application/json' }, body: JSON.stringify({ agency: 'police', personRef: 'CU-PM-2', reason: 'not the same boy after all' }) });
    expect(unlink.status).toBe(202);
    const [kept, moved] = await waitFor('the unlink applied', async () => ((m) => (m[0] !== m[1] ? m : undefined))(await subjects()));
    expect(kept).toBe(merged[0]);
    expect(moved).not.toBe(kept);
    const [{ subject_id }] = await sql<{ subject_id: string }>(`SELECT subject_id FROM consolidation.persons WHERE agency = 'police' AND person_ref = 'CU-PM-2'`);
    expect(moved).toBe(subject_id);
  });

  describe('the navigators’ board', () => {
    const status = async (custodyRef: string, s: InboxStatus, by?: { sub: string; name: string }) => {
      const [{ id, team }] = await sql<{ id: string; team: string }>(`SELECT id, team FROM consolidation.custody_notifications WHERE custody_ref = $1`, [custodyRef]);
      const data = { notificationId: id, custodyRef, team, status: s, at: new Date().toISOString(), ...(by ? { by } : {}) };
      const e = newEvent({ type: INBOX_STATUS_EVENTS[s], source: '/safer-hub/youth-justice', partitionKey: custodyRef, data });
      await hub.transport.publisher().publish([{ topic: Topics.CustodyInbox, key: custodyRef, value: JSON.stringify(e) }]);
      await hub.transport.drained();
      return id;
    };

    it('shows each child with time held, notification status from the inbox, and the child as the custody clause gives it', async () => {
      await status('CU-S-1', 'delivered');
      await status('CU-S-1', 'acknowledged', { sub: 'yjs-stockton', name: 'Chris Dunn (Stockton YJS)' });
      await status('CU-R-1', 'delivered');
      await status('CU-R-1', 'escalated');
      const res = await getJson(`${hub.base}/api/custody/board`, await hub.as('custody-navigator', 'custody.yjs-notification'));
      expect(res.status).toBe(200);
      const byRef = Object.fromEntries(res.body.episodes.map((e: any) => [e.custodyRef, e]));
      expect(Object.keys(byRef).sort()).toEqual(['CU-B-1', 'CU-D-1', 'CU-H-1', 'CU-M-1', 'CU-M-2', 'CU-N-1', 'CU-O-1', 'CU-R-1', 'CU-S-1', 'CU-W-1']);
      expect(byRef['CU-S-1'].notification).toMatchObject({ status: 'acknowledged', acknowledgedBy: { sub: 'yjs-stockton', name: 'Chris Dunn (Stockton YJS)' }, escalatedAt: null });
      expect(byRef['CU-R-1'].notification).toMatchObject({ status: 'delivered', escalatedAt: expect.any(String) });
      expect(byRef['CU-O-1']).toMatchObject({ route: 'out-of-area', localAuthority: 'Darlington', notification: { status: 'not-sent' } });
      expect(byRef['CU-S-1']).toMatchObject({ inCustody: true, releaseNotRecorded: false, heldMinutes: expect.any(Number) });
      expect(byRef['CU-S-1'].heldMinutes).toBeGreaterThanOrEqual(119);
      expect(byRef['CU-D-1']).toMatchObject({ inCustody: true, releaseNotRecorded: true }); // arrived weeks ago, no release recorded
      expect(byRef['CU-H-1']).toMatchObject({ inCustody: false, released: { outcome: 'transferred-to-la-accommodation' }, treatmentReferral: { service: 'young-people' } });
      // the custody clause: name, date of birth and postcode, not the address line or agency ids
      expect(byRef['CU-S-1'].child.detainee).toEqual({ givenName: 'Kid', familyName: 'Custody-CUP2', dateOfBirth: expect.any(String), address: { postcode: 'TS18 1AA' } });
      expect(byRef['CU-B-1'].consolidated.openToYjs).toMatchObject({ team: 'hartlepool' });
      expect(res.body.summary).toMatchObject({ escalated: 1, outOfArea: 1, needsPlacement: 1 });
      const audited = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM hub.audit_log WHERE action = 'custody.board' AND actor = 'custody-navigator'`);
      expect(audited[0].n).toBe(10);
    });

    it('answers an unchanged board with 304 and no audit rows, and a changed one in full', async () => {
      const headers = await hub.as('custody-navigator', 'custody.yjs-notification');
      const audited = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM hub.audit_log WHERE action = 'custody.board' AND actor = 'custody-navigator'`))[0].n;
      const first = await fetch(`${hub.base}/api/custody/board`, { headers });
      const etag = first.headers.get('etag')!;
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^"[\w-]+"$/);
      const before = await audited();
      const again = await fetch(`${hub.base}/api/custody/board`, { headers: { ...headers, 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(await audited()).toBe(before);
      // a change on the board (here an appropriate adult recorded) is a new board, read and audited
      const [{ id }] = await sql<{ id: string }>(`SELECT id FROM consolidation.custody_notifications WHERE custody_ref = 'CU-S-1'`);
      await fetch(`${hub.base}/api/custody/notifications/${id}/appropriate-adult`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'requested' }) });
      const changed = await fetch(`${hub.base}/api/custody/board`, { headers: { ...headers, 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(await audited()).toBeGreaterThan(before);
    });

    it('shows a YJS manager only their own team, and a notification’s details only to its team', async () => {
      const board = await getJson(`${hub.base}/api/custody/board`, await hub.as('yjs-manager-hartlepool', 'custody.yjs-notification'));
      expect(board.body.episodes.map((e: any) => e.custodyRef).sort()).toEqual(['CU-B-1', 'CU-D-1', 'CU-H-1', 'CU-M-1', 'CU-M-2']);
      const [{ id }] = await sql<{ id: string }>(`SELECT id FROM consolidation.custody_notifications WHERE custody_ref = 'CU-S-1'`);
      const own = await getJson(`${hub.base}/api/custody/notifications/${id}`, await hub.as('yjs-stockton', 'custody.yjs-notification'));
      expect(own.status).toBe(200);
      expect(own.body.child.offence).toBe('Criminal damage');
      expect((await getJson(`${hub.base}/api/custody/notifications/${id}`, await hub.as('yjs-hartlepool', 'custody.yjs-notification'))).status).toBe(404);
      expect((await getJson(`${hub.base}/api/custody/notifications/${randomUUID()}`, await hub.as('yjs-stockton', 'custody.yjs-notification'))).status).toBe(404);
      expect((await getJson(`${hub.base}/api/custody/notifications/not-a-uuid`, await hub.as('yjs-stockton', 'custody.yjs-notification'))).body.fields).toEqual([{ path: 'id', reason: 'must be a UUID' }]);
      expect((await getJson(`${hub.base}/api/custody/board`, await hub.as('yjs-stockton', 'custody.yjs-notification'))).status).toBe(403);
      expect((await getJson(`${hub.base}/api/custody/board`, await hub.as('analyst', 'custody.yjs-notification'))).status).toBe(403);
    });

    it('lets the navigator record the appropriate adult, with a clear error for a bad status', async () => {
      const [{ id }] = await sql<{ id: string }>(`SELECT id FROM consolidation.custody_notifications WHERE custody_ref = 'CU-R-1'`);
      const put = (body: unknown) => fetch(`${hub.base}/api/custody/notifications/${id}/appropriate-adult`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const headers = await hub.as('custody-navigator', 'custody.yjs-notification');
      const ok = await fetch(`${hub.base}/api/custody/notifications/${id}/appropriate-adult`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'navigator-acting' }) });
      expect(ok.status).toBe(200);
      const bad = await fetch(`${hub.base}/api/custody/notifications/${id}/appropriate-adult`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'maybe' }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { fields: unknown }).fields).toEqual([{ path: 'status', reason: 'one of requested, present, navigator-acting, not-required' }]);
      expect((await put({ status: 'present' })).status).toBe(401);
      const board = await getJson(`${hub.base}/api/custody/board`, headers);
      expect(board.body.episodes.find((e: any) => e.custodyRef === 'CU-R-1').appropriateAdult).toMatchObject({ required: true, status: 'navigator-acting', updatedBy: 'Alex Reed (custody navigator)' });
    });
  });
});
