import { CloudEvent, EventTypes, newEvent, PersonDto, recordKind, Topics } from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { daysAgo, getJson, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

const MARAC = 'marac.risk-management';
const REASON = 'consent was refused but the risk of serious harm outweighs the refusal';

/**
 * Consent and overrides through hub-api's HTTP API on one PostgreSQL with consolidation
 * and the in-process bus: the status after each statement, the events on hub.consent.v1,
 * the audit, bad input and roles outside the purpose refused, and consent following merges.
 */
describe('hub-api consent on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let db: HubOnPostgres['db'];
  const transport = new InProcessTransport();
  let base: string;
  let victim: string;
  const as: Record<string, Record<string, string>> = {};

  const person = (personRef: string, givenName: string, familyName: string, postcode: string): PersonDto => ({
    personRef, givenName, familyName, dateOfBirth: '1979-12-01', sex: 'M', address: { line1: '3 Test Lane', postcode },
  });
  const custody = async (custodyRef: string, detainee: PersonDto) => {
    const k = recordKind('police', 'custody-entry');
    const data = { custodyRef, suite: 'Middlesbrough', arrivedAt: '2026-02-01T10:00:00Z', detainee, offence: 'Theft', appropriateAdultRequired: false };
    const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
    await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await transport.drained();
  };
  const subjectOf = async (ref: string) =>
    (await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE person_ref = $1`, [ref]))[0].subject_id;
  const headers = async (user: string, purpose: string) => ({
    Authorization: `Bearer ${(await postJson(`${base}/api/auth/demo-token`, { user })).body.token}`,
    'X-Purpose': purpose,
  });
  const consent = (subjectId: string) => `${base}/api/subjects/${subjectId}/consent`;
  const state = (subjectId: string, body: Record<string, unknown>, who: Record<string, string>) => postJson(consent(subjectId), body, who);
  const override = (subjectId: string, body: Record<string, unknown>, who: Record<string, string>) => postJson(`${consent(subjectId)}/overrides`, body, who);
  const today = (s: Record<string, unknown>) => ({ purpose: MARAC, state: 'given', statedAt: daysAgo(1), ...s });
  const NOBODY = '00000000-0000-4000-8000-000000000000';
  const consentEvents = () =>
    transport.read(Topics.Consent).map((m) => ({ key: m.key, event: JSON.parse(m.value ?? 'null') as CloudEvent<Record<string, unknown>> }));
  const paths = (res: { body: any }) => res.body.fields.map((f: any) => f.path);

  beforeAll(async () => {
    hub = await startHubOnPostgres(transport);
    ({ db, base } = hub);
    as.coordinator = await headers('marac-coordinator', MARAC);
    as.member = await headers('marac-member-police', MARAC);
    as.navigator = await headers('custody-navigator', 'custody.yjs-notification');
    await custody('C-V', person('CP-P-V1', 'Verity', 'Ashgrove', 'TS25 9ZZ'));
    victim = await subjectOf('CP-P-V1');
  });
  afterAll(async () => hub?.close());

  it('records given, then refused, then an override; the status follows each, and each write goes out as an event and is audited', async () => {
    const status = async () => {
      const res = await getJson(consent(victim), as.member);
      expect(res.status).toBe(200);
      return res.body.status[MARAC];
    };
    expect(await status()).toMatchObject({ state: 'not-asked', route: 'sought-where-safe', permitted: true });

    const given = await state(victim, { purpose: MARAC, state: 'given', statedAt: daysAgo(3), note: 'agreed at the IDVA visit' }, as.coordinator);
    expect(given.status).toBe(201);
    expect(given.body.consentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await status()).toMatchObject({ state: 'given', permitted: true, basis: expect.stringContaining('consent was given') });

    const refusedAt = daysAgo(2);
    expect((await state(victim, { purpose: MARAC, state: 'refused', statedAt: refusedAt }, as.member)).status).toBe(201);
    const refused = await status();
    expect(refused).toMatchObject({ state: 'refused', statedAt: refusedAt, permitted: false, reason: expect.stringContaining('consent was refused') });
    expect(refused.override).toBeUndefined();

    const overridden = await override(victim, { purpose: MARAC, reason: REASON, decisionMaker: 'DI Jane Hall, MARAC chair' }, as.coordinator);
    expect(overridden.status).toBe(201);
    expect(await status()).toMatchObject({
      state: 'refused',
      override: { reason: REASON, decisionMaker: 'DI Jane Hall, MARAC chair' },
      permitted: true,
      basis: expect.stringContaining('DI Jane Hall'),
    });

    // a statement after the override supersedes it
    expect((await state(victim, { purpose: MARAC, state: 'withdrawn', statedAt: new Date().toISOString() }, as.coordinator)).status).toBe(201);
    expect(await status()).toMatchObject({ state: 'withdrawn', permitted: false });
    const res = await getJson(consent(victim), as.coordinator);
    expect(res.body.statements.map((s: any) => s.state)).toEqual(['given', 'refused', 'withdrawn']);
    expect(res.body.statements[0]).toMatchObject({
      consentId: given.body.consentId, subjectId: victim, note: 'agreed at the IDVA visit', recordedBy: 'marac-coordinator',
    });
    expect(res.body.overrides).toEqual([expect.objectContaining({ overrideId: overridden.body.overrideId, recordedBy: 'marac-coordinator' })]);
    expect(res.body.status['custody.yjs-notification']).toMatchObject({ state: 'not-asked', route: 'not-relied-on', permitted: true });

    await waitFor('four consent events on the bus', async () => consentEvents().length === 4);
    const events = consentEvents();
    expect(events.map((e) => e.key)).toEqual([victim, victim, victim, victim]);
    const { ConsentRecorded: recorded, ConsentOverrideRecorded: overrode } = EventTypes;
    expect(events.map((e) => e.event.type)).toEqual([recorded, recorded, overrode, recorded]);
    expect(events[0].event.data).toEqual({
      consentId: given.body.consentId, subjectId: victim, purpose: MARAC, state: 'given', recordedBy: 'marac-coordinator', statedAt: expect.any(String),
      note: 'agreed at the IDVA visit',
    });
    expect(events[2].event.data).toEqual({
      overrideId: overridden.body.overrideId, subjectId: victim, purpose: MARAC, reason: REASON, decisionMaker: 'DI Jane Hall, MARAC chair',
      recordedBy: 'marac-coordinator', decidedAt: expect.any(String),
    });
    const [{ unpublished }] = await query<{ unpublished: number }>(
      db.url, `SELECT count(*)::int AS unpublished FROM hub.outbox WHERE topic = $1 AND published_at IS NULL`, [Topics.Consent],
    );
    expect(unpublished).toBe(0);

    const audit = await query<{ action: string; actor: string; purpose: string; reason: string | null }>(
      db.url,
      `SELECT action, actor, purpose, reason FROM hub.audit_log WHERE subject_id = $1 AND decision = 'allowed' AND action LIKE 'consent.%' ORDER BY id`,
      [victim],
    );
    expect(audit.filter((a) => a.action !== 'consent.read')).toEqual([
      { action: 'consent.record', actor: 'marac-coordinator', purpose: MARAC, reason: 'consent given' },
      { action: 'consent.record', actor: 'marac-member-police', purpose: MARAC, reason: 'consent refused' },
      { action: 'consent.override', actor: 'marac-coordinator', purpose: MARAC, reason: REASON },
      { action: 'consent.record', actor: 'marac-coordinator', purpose: MARAC, reason: 'consent withdrawn' },
    ]);
    expect(audit.filter((a) => a.action === 'consent.read')).toHaveLength(6);
  });

  it('refuses bad input with 400 naming each field, a purpose without override reasons with 422, an unknown subject with 404; nothing is stored', async () => {
    const before = await query(db.url, `SELECT id FROM hub.consent_statements UNION ALL SELECT id FROM hub.consent_overrides`);

    const badReason = await override(victim, { purpose: MARAC, reason: 'the coordinator thought it best', decisionMaker: 'DI Hall' }, as.coordinator);
    expect(badReason.status).toBe(400);
    expect(badReason.body.fields).toEqual([{ path: 'reason', reason: expect.stringContaining(`"${REASON}"`) }]);

    const bad = await state(victim, { purpose: MARAC, state: 'maybe', statedAt: '2099-01-01T00:00:00Z', extra: 1 }, as.coordinator);
    expect(bad.status).toBe(400);
    expect(new Set(paths(bad))).toEqual(new Set(['state', 'statedAt', 'extra']));
    expect(paths(await state(victim, today({ purpose: 'no.such-purpose' }), as.coordinator))).toEqual(['purpose']);
    const otherPurpose = await state(victim, today({ purpose: 'custody.yjs-notification' }), as.coordinator);
    expect(otherPurpose.body.fields).toEqual([{ path: 'purpose', reason: expect.stringContaining('X-Purpose') }]);
    expect(paths(await state('not-a-uuid', today({}), as.coordinator))).toEqual(['subjectId']);

    const nothingToOverride = await override(victim, { purpose: 'custody.yjs-notification', reason: REASON, decisionMaker: 'Sgt Lee' }, as.navigator);
    expect(nothingToOverride.status).toBe(422);
    expect(nothingToOverride.body.error).toContain('does not rely on consent');

    expect((await state(NOBODY, today({}), as.coordinator)).status).toBe(404);
    expect((await getJson(consent(NOBODY), as.coordinator)).status).toBe(404);
    expect(await query(db.url, `SELECT id FROM hub.consent_statements UNION ALL SELECT id FROM hub.consent_overrides`)).toHaveLength(before.length);
  });

  it('refuses a role outside the purpose with 403, audited', async () => {
    const navigatorAsMarac = await headers('custody-navigator', MARAC);
    expect((await state(victim, today({}), navigatorAsMarac)).status).toBe(403);
    expect((await override(victim, { purpose: MARAC, reason: REASON, decisionMaker: 'x' }, navigatorAsMarac)).status).toBe(403);
    expect((await getJson(consent(victim), await headers('analyst', 'analytics.depersonalised'))).status).toBe(403);
    const denied = await query<{ actor: string; reason: string }>(
      db.url, `SELECT actor, reason FROM hub.audit_log WHERE decision = 'denied' AND action LIKE '% /api/subjects/:subjectId/consent%' ORDER BY id`,
    );
    expect(denied.map((d) => d.actor)).toEqual(['custody-navigator', 'custody-navigator', 'analyst']);
    expect(denied[0].reason).toContain(`may not act for purpose ${MARAC}`);
  });

  it('counts consent recorded against a subject for the subject it is merged into, directly or through another', async () => {
    await custody('C-1', person('CP-P-M1', 'Robert', 'Ibbotson', 'TS24 1AA'));
    await custody('C-2', person('CP-P-M2', 'Bob', 'Ibbotson', 'TS24 1AA'));
    const [older, newer] = [await subjectOf('CP-P-M1'), await subjectOf('CP-P-M2')];
    expect(older).not.toBe(newer);
    expect((await state(newer, today({ state: 'refused' }), as.coordinator)).status).toBe(201);

    const reviewer = await headers('marac-coordinator', 'identity.review');
    const [item] = (await getJson(`${base}/api/identity/reviews`, reviewer)).body;
    expect((await postJson(`${base}/api/identity/reviews/${item.id}/confirm`, { reason: 'same man: Bob is Robert' }, reviewer)).status).toBe(202);
    await waitFor('the merge applied', async () => (await subjectOf('CP-P-M2')) === older);

    for (const asked of [older, newer]) {
      const res = await getJson(consent(asked), as.coordinator);
      expect(res.body.subjectId).toBe(older);
      expect(res.body.statements).toEqual([expect.objectContaining({ subjectId: newer, state: 'refused' })]);
      expect(res.body.status[MARAC]).toMatchObject({ state: 'refused', permitted: false });
    }

    // a chain: a subject merged into one itself merged into `older`
    const [middle, oldest] = ['6f1c2a9e-1111-4a6b-8c1d-000000000001', '6f1c2a9e-1111-4a6b-8c1d-000000000002'];
    await query(db.url, `INSERT INTO consolidation.subjects (id, merged_into) VALUES ($1, $2), ($3, $1)`, [middle, older, oldest]);
    expect((await state(oldest, today({ statedAt: new Date().toISOString() }), as.coordinator)).status).toBe(201);
    const res = await getJson(consent(older), as.coordinator);
    expect(res.body.statements.map((s: any) => [s.subjectId, s.state])).toEqual([[newer, 'refused'], [oldest, 'given']]);
    expect(res.body.status[MARAC]).toMatchObject({ state: 'given', permitted: true });
    expect((await getJson(consent(victim), as.coordinator)).body.statements.map((s: any) => s.subjectId)).not.toContain(oldest);
  });
});
