import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CloudEvent, DomesticIncidentDto, EventTypes, newEvent, nextSchoolDayStart, PersonDto, readSchoolCalendar, recordKind, SchoolNotificationRaisedData, Topics } from '../../libs/contracts/src';
import { TokenService } from '../../apps/hub-api/src/auth/tokens';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { daysAgo, getJson, incident, postJson } from '../support/fixtures';

/**
 * Operation Encompass on one PostgreSQL and the in-process bus: a police DA incident with
 * children present notifies each child's school (found in the incident, else in the latest
 * record naming one), due by the start of the next school day; each school sees only its own
 * child, acknowledges once; the police track every child's notification from refs only.
 */
describe('Operation Encompass on PostgreSQL', () => {
  const PURPOSE = 'safeguarding.school-notification';
  const SECRET = 'encompass-int-spec-secret-0123456789abcdef';
  const calendar = readSchoolCalendar(parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'schools', 'calendar.yaml'), 'utf8'))).calendar!;
  const k = recordKind('police', 'domestic-incident');
  const savedSecret = process.env.HUB_JWT_SECRET;
  let hub: HubOnPostgres;
  let base: string;
  let tokens: TokenService;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(hub.db.url, text, params);

  const child = (personRef: string, givenName: string, familyName: string, dateOfBirth: string, school?: { urn: string; name: string }): PersonDto => ({
    personRef, givenName, familyName, dateOfBirth, ...(school ? { school } : {}),
  });
  const SEAVIEW = { urn: '900001', name: 'Seaview Primary School' };
  const RIFT = { urn: '900002', name: 'Rift House Primary School' };
  const AMY = child('EN-C-1', 'Amelia', 'Quartermaine', '2015-03-02', SEAVIEW);
  const BEN = child('EN-C-2', 'Benedict', 'Quartermaine', '2012-09-17', RIFT);
  const CAL = child('EN-C-3', 'Callum', 'Quartermaine', '2019-11-30');
  const DOT = child('EN-C-4', 'Dorothea', 'Fairweather', '2014-06-05', RIFT);
  const EVIE = (school?: { urn: string; name: string }) => child('EN-C-5', 'Evangeline', 'Hollingsworth', '2016-01-21', school);

  const da = (ref: string, victimRef: string, occurredAt: string, childrenPresent: PersonDto[]): DomesticIncidentDto => ({ ...incident(ref, victimRef), occurredAt, childrenPresent });
  const published: Record<string, CloudEvent<DomesticIncidentDto>> = {};
  const publish = async (data: DomesticIncidentDto, event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data })) => {
    published[data.incidentRef] = event;
    await hub.transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await hub.transport.drained();
  };
  const raisedEvents = () => hub.transport.read(Topics.SchoolNotifications).map((m) => JSON.parse(String(m.value)) as CloudEvent<SchoolNotificationRaisedData>);
  const waitFor = async (what: string, check: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const as = (user: string, purpose = PURPOSE) => hub.as(user, purpose);
  /** The safeguarding lead of Rift House (URN 900002): not a demo user, so a token signed here. */
  const riftDsl = () => ({
    Authorization: `Bearer ${tokens.sign({ sub: 'school-dsl-900002', name: 'Rae Moor (designated safeguarding lead, Rift House)', agency: 'school-900002', roles: ['school-safeguarding-lead'], team: '900002' })}`,
    'X-Purpose': PURPOSE,
  });
  const subjectOf = async (personRef: string) => (await sql<{ subject_id: string }>(`SELECT subject_id FROM consolidation.persons WHERE agency = 'police' AND person_ref = $1`, [personRef]))[0].subject_id;
  const encompassFor = async (headers: Record<string, string>) => {
    const res = await getJson(`${base}/api/notifications`, headers);
    expect(res.status).toBe(200);
    return (res.body as any[]).filter((n) => n.kind === 'encompass');
  };
  const ukToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

  const A_AT = daysAgo(10);
  const B_AT = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    process.env.HUB_JWT_SECRET = SECRET;
    tokens = new TokenService(SECRET);
    hub = await startHubOnPostgres();
    base = hub.base;
    // Evie's schools in two earlier incidents, received newest first: the later incident (by when it happened) decides.
    await publish(da('EN-DA-0B', 'EN-V-3', daysAgo(20), [EVIE({ urn: '900003', name: 'Golden Flatts Primary School' })]));
    await publish(da('EN-DA-0A', 'EN-V-3', daysAgo(30), [EVIE({ urn: '900004', name: 'Eldon Grove Academy' })]));
    // Three children at one incident: two at different schools, one whose school nobody knows.
    await publish(da('EN-DA-1', 'EN-V-1', A_AT, [AMY, BEN, CAL]));
    // A recent one: Dot at Rift House; Evie named without a school.
    await publish(da('EN-DA-2', 'EN-V-2', B_AT, [DOT, EVIE()]));
    await waitFor('the raised events to be published', () => raisedEvents().length === 6);
  });
  afterAll(async () => {
    await hub?.close();
    if (savedSecret === undefined) delete process.env.HUB_JWT_SECRET;
    else process.env.HUB_JWT_SECRET = savedSecret;
  });

  it('raises one notification per child present: to each school with an event, and a no-school row without one', async () => {
    const rows = await sql<{ id: string; subject_id: string; status: string; school_urn: string | null; school_from: string | null; due_by: Date }>(
      `SELECT id, subject_id, status, school_urn, school_from, due_by FROM consolidation.school_notifications WHERE incident_ref = 'EN-DA-1' ORDER BY school_urn NULLS LAST`,
    );
    const [amy, ben, cal] = await Promise.all(['EN-C-1', 'EN-C-2', 'EN-C-3'].map(subjectOf));
    const due = nextSchoolDayStart(new Date(A_AT), calendar);
    expect(rows).toEqual([
      { id: expect.any(String), subject_id: amy, status: 'raised', school_urn: '900001', school_from: 'incident', due_by: due },
      { id: expect.any(String), subject_id: ben, status: 'raised', school_urn: '900002', school_from: 'incident', due_by: due },
      { id: expect.any(String), subject_id: cal, status: 'no-school', school_urn: null, school_from: null, due_by: due },
    ]);
    const events = raisedEvents().filter((e) => e.data.incidentRef === 'EN-DA-1');
    expect(events.map((e) => [e.data.schoolUrn, e.data.childSubjectId, e.partitionkey, e.data.notificationId]).sort()).toEqual([
      ['900001', amy, amy, rows[0].id],
      ['900002', ben, ben, rows[1].id],
    ]);
    expect(events.every((e) => e.data.dueBy === due.toISOString() && e.data.incidentEventId === published['EN-DA-1'].id && e.causationid === published['EN-DA-1'].id)).toBe(true);
    // refs, hub ids and the URN only: no name of anyone
    expect(JSON.stringify(events)).not.toMatch(/Amelia|Benedict|Quartermaine|EN-C-/);
  });

  it('takes a school the incident does not give from the latest record naming one for the child', async () => {
    const [evie] = await sql<{ status: string; school_urn: string; school_name: string; school_from: string }>(
      `SELECT status, school_urn, school_name, school_from FROM consolidation.school_notifications WHERE incident_ref = 'EN-DA-2' AND subject_id = $1`,
      [await subjectOf('EN-C-5')],
    );
    expect(evie).toEqual({ status: 'raised', school_urn: '900003', school_name: 'Golden Flatts Primary School', school_from: 'police/domestic-incident EN-DA-0B' });
  });

  it('adds nothing when the same incident event is delivered again', async () => {
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.school_notifications`);
    await encompassFor(await as('school-dsl')); // materialise the hub notifications first
    const hubBefore = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM hub.notifications WHERE kind = 'encompass'`);
    await publish(published['EN-DA-1'].data, published['EN-DA-1']);
    await new Promise((r) => setTimeout(r, 200)); // give the outbox relay its chance
    expect(await sql(`SELECT count(*)::int AS n FROM consolidation.school_notifications`)).toEqual(before);
    expect(raisedEvents()).toHaveLength(6);
    // past the consumer's dedupe too (as when a rebuild replays the log onto what is there): still nothing new
    await sql(`DELETE FROM consolidation.processed_events WHERE event_id = $1`, [published['EN-DA-1'].id]);
    await publish(published['EN-DA-1'].data, published['EN-DA-1']);
    expect(await sql(`SELECT count(*)::int AS n FROM consolidation.processed_events WHERE event_id = $1`, [published['EN-DA-1'].id])).toEqual([{ n: 1 }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await sql(`SELECT count(*)::int AS n FROM consolidation.school_notifications`)).toEqual(before);
    expect(raisedEvents()).toHaveLength(6);
    await encompassFor(await as('school-dsl'));
    expect(await sql(`SELECT count(*)::int AS n FROM hub.notifications WHERE kind = 'encompass'`)).toEqual(hubBefore);
    expect(hubBefore[0].n).toBe(6); // one per child with a school, each to its school
  });

  it('delivers to each school its own child only: the other school’s child is not in the incident it sees', async () => {
    const seaview = await encompassFor(await as('school-dsl'));
    expect(seaview).toHaveLength(1);
    const [n] = seaview;
    expect(n).toMatchObject({
      kind: 'encompass', purpose: PURPOSE, subjectId: await subjectOf('EN-C-1'), dueBy: nextSchoolDayStart(new Date(A_AT), calendar).toISOString(), acknowledgement: null, withheld: 0,
    });
    expect(n.records).toEqual([
      { agency: 'police', kind: 'domestic-incident', clause: 'encompass.da-incident', tier: 'fields', record: { occurredAt: A_AT, childrenPresent: [{ givenName: 'Amelia', familyName: 'Quartermaine', dateOfBirth: '2015-03-02' }] } },
    ]);
    expect(JSON.stringify(seaview)).not.toMatch(/Benedict|Callum|EN-V-1|Victim/);

    const rift = await encompassFor(riftDsl());
    const children = rift.map((x) => x.records[0].record.childrenPresent.map((c: { givenName: string }) => c.givenName)).sort();
    expect(children).toEqual([['Benedict'], ['Dorothea']]);
    expect(JSON.stringify(rift)).not.toMatch(/Amelia|Callum|Evangeline/);

    // police Encompass officers are given no field of the record, and are no recipients
    expect(await encompassFor(await as('police-officer'))).toEqual([]);
  });

  it('lets the school’s safeguarding lead acknowledge once; a second acknowledgement changes nothing', async () => {
    const [n] = await encompassFor(await as('school-dsl'));
    const first = await postJson(`${base}/api/notifications/${n.id}/acknowledge`, {}, await as('school-dsl'));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      id: n.id, kind: 'encompass', subjectId: n.subjectId, alreadyAcknowledged: false,
      acknowledgement: { at: expect.any(String), by: { sub: 'school-dsl', name: 'Terry Lane (designated safeguarding lead, Seaview Primary)' } },
    });
    const again = await postJson(`${base}/api/notifications/${n.id}/acknowledge`, {}, await as('school-dsl'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, alreadyAcknowledged: true });
    const [delivered] = await encompassFor(await as('school-dsl'));
    expect(delivered.acknowledgement).toEqual(first.body.acknowledgement);
  });

  it('does not let anyone else acknowledge it, nor say whether it exists (404)', async () => {
    const [n] = await encompassFor(await as('school-dsl'));
    expect((await postJson(`${base}/api/notifications/${n.id}/acknowledge`, {}, riftDsl())).status).toBe(404);
    // the right role under another purpose, and the police officer under this one, are no recipients either
    expect((await postJson(`${base}/api/notifications/${n.id}/acknowledge`, {}, await as('police-officer'))).status).toBe(404);
    expect((await postJson(`${base}/api/notifications/00000000-0000-4000-8000-000000000000/acknowledge`, {}, await as('school-dsl'))).status).toBe(404);
    const bad = await postJson(`${base}/api/notifications/not-a-uuid/acknowledge`, {}, await as('school-dsl'));
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ path: 'id', reason: 'must be a UUID' }]);
    const [row] = await sql<{ acknowledged_by: { sub: string } }>(`SELECT acknowledged_by FROM hub.notifications WHERE id = $1`, [n.id]);
    expect(row.acknowledged_by.sub).toBe('school-dsl');
  });

  it('tracks every child for the police: statuses and overdue, refs only', async () => {
    // Rift House acknowledges Dot's (due at the next school day's start: in time), reads Ben's and leaves it
    const rift = await encompassFor(riftDsl());
    const dot = rift.find((x) => x.records[0].record.childrenPresent[0].givenName === 'Dorothea');
    expect((await postJson(`${base}/api/notifications/${dot.id}/acknowledge`, {}, riftDsl())).status).toBe(200);

    const res = await getJson(`${base}/api/encompass/notifications`, await as('police-officer'));
    expect(res.status).toBe(200);
    const [amy, ben, cal, dotId, evie] = await Promise.all(['EN-C-1', 'EN-C-2', 'EN-C-3', 'EN-C-4', 'EN-C-5'].map(subjectOf));
    const view = (res.body as any[]).map((r) => [r.incidentRef, r.childSubjectId, r.school?.urn ?? null, r.status, r.overdue]);
    expect(view).toEqual(expect.arrayContaining([
      ['EN-DA-1', amy, '900001', 'acknowledged', true], // acknowledged today, days after it was due
      ['EN-DA-1', ben, '900002', 'delivered', true],
      ['EN-DA-1', cal, null, 'no-school', true],
      ['EN-DA-2', dotId, '900002', 'acknowledged', false],
      ['EN-DA-2', evie, '900003', 'sent', false],
      ['EN-DA-0B', evie, '900003', 'sent', true],
      ['EN-DA-0A', evie, '900004', 'sent', true],
    ]));
    expect(res.body).toHaveLength(7);
    const amyRow = res.body.find((r: any) => r.childSubjectId === amy);
    expect(amyRow).toMatchObject({
      school: SEAVIEW, dueBy: nextSchoolDayStart(new Date(A_AT), calendar).toISOString(), deliveredAt: expect.any(String), acknowledgedAt: expect.any(String),
      acknowledgedBy: { sub: 'school-dsl', name: expect.any(String) },
    });
    expect(res.body.find((r: any) => r.childSubjectId === cal)).toMatchObject({ school: null, deliveredAt: null, acknowledgedAt: null, acknowledgedBy: null });
    // no name of a child or an adult, no person reference, no incident detail
    expect(JSON.stringify(res.body)).not.toMatch(/Amelia|Benedict|Callum|Dorothea|Evangeline|Quartermaine|EN-C-|EN-V-|occurredAt|TS24/);

    const acknowledged = await getJson(`${base}/api/encompass/notifications?status=acknowledged`, await as('police-officer'));
    expect(acknowledged.body.map((r: any) => r.childSubjectId).sort()).toEqual([amy, dotId].sort());
    const noSchool = await getJson(`${base}/api/encompass/notifications?status=no-school`, await as('police-officer'));
    expect(noSchool.body.map((r: any) => r.childSubjectId)).toEqual([cal]);
    // by the UK date of dueBy: from today, only the recent incident's children
    const fromToday = await getJson(`${base}/api/encompass/notifications?from=${ukToday()}`, await as('police-officer'));
    expect(fromToday.body.map((r: any) => r.incidentRef)).toEqual(['EN-DA-2', 'EN-DA-2']);
    const window = await getJson(`${base}/api/encompass/notifications?from=2000-01-01&to=2000-12-31`, await as('police-officer'));
    expect(window.body).toEqual([]);
  });

  it('names each bad query field', async () => {
    const res = await getJson(`${base}/api/encompass/notifications?from=2026-02-30&to=yesterday&status=lost`, await as('police-officer'));
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([
      { path: 'from', reason: 'must be a real date as YYYY-MM-DD' },
      { path: 'to', reason: 'must be a real date as YYYY-MM-DD' },
      { path: 'status', reason: 'one of no-school, sent, delivered, acknowledged' },
    ]);
    const backwards = await getJson(`${base}/api/encompass/notifications?from=2026-03-10&to=2026-03-01`, await as('police-officer'));
    expect(backwards.body.fields).toEqual([{ path: 'to', reason: 'must not be before from (2026-03-10)' }]);
  });

  it('lets the police list it, not an analyst, another agency’s officer or a school', async () => {
    expect((await getJson(`${base}/api/encompass/notifications`, await as('police-officer'))).status).toBe(200);
    expect((await getJson(`${base}/api/encompass/notifications`, await as('analyst'))).status).toBe(403);
    expect((await getJson(`${base}/api/encompass/notifications`, await as('housing-officer'))).status).toBe(403);
    expect((await getJson(`${base}/api/encompass/notifications`, await as('school-dsl'))).status).toBe(403);
    expect((await getJson(`${base}/api/encompass/notifications`, await as('police-officer', 'marac.risk-management'))).status).toBe(403);
  });

  it('audits each delivery, acknowledgement, refusal and tracking read', async () => {
    const audit = await sql<{ action: string; decision: string; actor: string; subject_id: string | null; clauses: string[]; reason: string | null }>(
      `SELECT action, decision, actor, subject_id, clauses, reason FROM hub.audit_log WHERE action LIKE 'notifications.%' OR action LIKE 'encompass.%' OR action LIKE 'GET /api/encompass%' ORDER BY id`,
    );
    const amy = await subjectOf('EN-C-1');
    const deliveries = audit.filter((a) => a.action === 'notifications.deliver encompass' && a.actor === 'school-dsl');
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((a) => a.subject_id === amy && a.decision === 'partly-redacted' && a.clauses.join() === 'encompass.da-incident')).toBe(true);
    const acks = audit.filter((a) => a.action === 'notifications.acknowledge encompass' && a.actor === 'school-dsl');
    expect(acks.map((a) => [a.subject_id, a.decision, a.reason === null])).toEqual([[amy, 'allowed', true], [amy, 'allowed', false]]);
    const refused = audit.filter((a) => a.action === 'notifications.acknowledge');
    expect(refused.map((a) => [a.actor, a.decision, a.subject_id])).toEqual([
      ['school-dsl-900002', 'denied', null],
      ['police-officer', 'denied', null],
      ['school-dsl', 'denied', null],
    ]);
    // the first tracking read: one row per child listed (seven notifications of five children)
    const reads = await sql<{ n: number; subjects: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM hub.audit_log
        WHERE action = 'encompass.notifications' AND actor = 'police-officer' GROUP BY at ORDER BY min(id)`,
    );
    expect(reads[0]).toEqual({ n: 5, subjects: 5 });
    const listed = audit.filter((a) => a.action === 'encompass.notifications' && a.actor === 'police-officer' && a.subject_id);
    expect(new Set(listed.map((a) => a.subject_id)).size).toBe(5);
    expect(listed.every((a) => a.decision === 'allowed' && a.clauses.join() === 'safeguarding.school-notification:purpose')).toBe(true);
    expect(audit.some((a) => a.action === 'encompass.notifications' && a.actor === 'housing-officer' && a.decision === 'denied')).toBe(true);
  });

  it('forgets an erased child: their notification goes from the tracking list, and the school is given nothing of them', async () => {
    const ben = await subjectOf('EN-C-2');
    const erasure = newEvent({
      type: EventTypes.ErasureApproved, source: '/safer-hub/hub-api', partitionKey: ben,
      data: { requestId: randomUUID(), subjectId: ben, decidedBy: 'dpo', decidedAt: new Date().toISOString(), persons: [{ agency: 'police', personRef: 'EN-C-2' }] },
    });
    await hub.transport.publisher().publish([{ topic: Topics.Erasures, key: erasure.partitionkey, value: JSON.stringify(erasure) }]);
    await hub.transport.drained();
    expect(await sql(`SELECT 1 FROM consolidation.school_notifications WHERE subject_id = $1`, [ben])).toEqual([]);
    const tracked = await getJson(`${base}/api/encompass/notifications`, await as('police-officer'));
    expect(tracked.body.map((r: any) => r.childSubjectId)).not.toContain(ben);
    expect(tracked.body).toHaveLength(6);
    // Rift House still has the notification, but the incident no longer names Ben: nothing of it is delivered
    const rift = await encompassFor(riftDsl());
    const bens = rift.find((x) => x.subjectId === ben);
    expect(bens).toMatchObject({ records: [], withheld: 1 });
    expect(JSON.stringify(rift)).not.toMatch(/Benedict/);
  });
});
