import { randomBytes } from 'node:crypto';
import { Agency, RECORD_KINDS, recordKind } from '../../libs/contracts/src';
import { HUB_ROLES } from '../../libs/isa/src/loader';
import { DEMO_USERS } from '../../apps/hub-api/src/auth/demo-users';
import { PERSON_PURPOSES } from '../../apps/hub-api/src/subjects/subjects.controller';
import { expected, grants, leaves, leafValues, matrixRecords, releasedValues, shippedAgreement } from '../support/isa-matrix';
import { freePort, getJson, postJson } from '../support/fixtures';
import { prepareTopics, testKafka } from '../support/kafka';
import { consolidationTopics, resetConsumerGroup, truncateReadModel } from '../../apps/consolidation/src/privacy/rebuild';
import { createTestDatabase, query } from '../support/postgres';
import { RunningService, ServiceName, startService, waitFor } from '../support/services';

const EDGES: Agency[] = ['police', 'fire', 'housing', 'treatment', 'youth-justice'];

/**
 * The information-sharing agreement as a matrix, through the real services: one record of
 * every kind, each field a clause names filled in, travels edge → Kafka → consolidation;
 * then every role asks hub-api about every person in them for every purpose, and each
 * answer must hold exactly what the shipped agreement gives that role of that source for
 * that purpose: no field more (no leak), no field less (no over-redaction), signposts where
 * the agreement says signpost, nothing where it says nothing. Expectations are worked out
 * from the YAML by test code that shares nothing with the policy decision point.
 */
describe('information-sharing matrix end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  const agreement = shippedAgreement();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  const services = new Map<ServiceName, RunningService>();
  const url = (name: ServiceName) => services.get(name)!.url;
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(db.url, text, params);

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    await prepareTopics(testKafka());
    db = await createTestDatabase('hub_e2e_matrix');
    env = { DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true' };
    const names: ServiceName[] = [...EDGES, 'consolidation', 'hub-api'];
    const started = await Promise.all(names.map(async (name) => [name, await startService(name, await freePort(), env)] as const));
    for (const [name, service] of started) services.set(name, service);

    const records = matrixRecords();
    expect(records.map((r) => `${r.agency}/${r.kind}`).sort()).toEqual(RECORD_KINDS.map((k) => `${k.agency}/${k.kind}`).sort());
    const eventIds: string[] = [];
    for (const r of records) {
      const path = recordKind(r.agency, r.kind).path.replace(/:(\w+)/g, (_, param: string) => String(r.data[param]));
      const res = await postJson(`${url(r.agency)}/${path}`, r.data);
      if (res.status !== 201) throw new Error(`${r.agency} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      eventIds.push(res.body.eventId);
    }
    await waitFor('consolidation to apply every record', async () => {
      const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.processed_events WHERE event_id = ANY($1::uuid[])`, [eventIds]);
      return n === eventIds.length;
    }, 90_000);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  it('holds every field any clause names, so the matrices below test each of them', async () => {
    const held = await sql<{ event_type: string; record: Record<string, unknown> }>(
      `SELECT event_type, record FROM consolidation.chronology UNION ALL SELECT event_type, record FROM consolidation.impersonal_records`,
    );
    expect(new Set(held.map((h) => h.event_type))).toEqual(new Set(RECORD_KINDS.map((k) => k.eventType)));
    const missing = Object.values(agreement.purposes).flatMap((p) =>
      p.clauses.flatMap((c) => (c.fields ?? []).filter((f) => !held.some((h) => h.event_type === c.source && leaves(h.record).some((l) => grants(f, l)))).map((f) => `${c.id}: ${f}`)),
    );
    expect(missing).toEqual([]);
  });

  it('releases to each role, for each purpose, exactly the fields the agreement gives it of each source', async () => {
    const held = await sql<{ subject_id: string; agency: string; event_type: string; record: Record<string, unknown> }>(
      `SELECT p.subject_id, c.agency, c.event_type, c.record FROM consolidation.chronology c JOIN consolidation.persons p USING (agency, person_ref)`,
    );
    const subjects = [...new Set(held.map((h) => h.subject_id))];
    expect(subjects.length).toBeGreaterThan(15);
    const purposes = [...Object.keys(agreement.purposes), 'no.such-purpose'];
    const faults: string[] = [];
    let checked = 0;
    for (const role of HUB_ROLES) {
      const user = Object.values(DEMO_USERS).find((u) => u.roles.includes(role))!;
      const token = (await postJson(`${url('hub-api')}/api/auth/demo-token`, { user: user.sub })).body.token;
      for (const purpose of purposes) {
        const headers = { Authorization: `Bearer ${token}`, 'X-Purpose': purpose };
        const mayAsk = PERSON_PURPOSES.includes(purpose) && (agreement.purposes[purpose]?.roles.includes(role) ?? false);
        for (const subjectId of subjects) {
          const res = await getJson(`${url('hub-api')}/api/subjects/${subjectId}`, headers);
          const mine = held.filter((h) => h.subject_id === subjectId).map((h) => ({ ...h, want: expected(agreement, purpose, role, h.event_type) }));
          const at = `${role} / ${purpose} / subject ${subjectId}`;
          if (!mayAsk || mine.every((h) => h.want.tier === 'none')) {
            if (res.status !== 403) faults.push(`${at}: expected 403, got ${res.status}`);
            continue;
          }
          if (res.status !== 200) {
            faults.push(`${at}: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
            continue;
          }
          const view = res.body as { chronology: { clause: string; record: Record<string, unknown>; agency: string }[]; signposts: { agency: string }[]; persons: Record<string, unknown>[] };
          for (const source of new Set(mine.map((h) => h.event_type))) {
            const ofSource = mine.filter((h) => h.event_type === source);
            const want = ofSource[0].want;
            const got = view.chronology.filter((e) => ofSource.some((h) => h.want.tier === 'fields' && e.clause === h.want.clause));
            checked++;
            if (want.tier === 'fields') {
              const wanted = ofSource.map((h) => releasedValues(h.record, want.fields).sort().join('\n')).sort();
              const released = got.map((e) => leafValues(e.record).sort().join('\n')).sort();
              if (JSON.stringify(released) !== JSON.stringify(wanted)) faults.push(`${at} / ${source}: released ${JSON.stringify(released)} but the agreement gives ${JSON.stringify(wanted)}`);
            } else {
              if (got.length > 0) faults.push(`${at} / ${source}: released a ${want.tier} record`);
              const agency = ofSource[0].agency;
              const signposted = view.signposts.some((s) => s.agency === agency);
              if (want.tier === 'signpost' && !signposted) faults.push(`${at} / ${source}: no signpost to ${agency}`);
            }
          }
          // Nothing in the view names a person beyond what a released clause gives of them.
          const personFields = mine.flatMap((h) => (h.want.tier === 'fields' ? h.want.fields : []));
          for (const p of view.persons) {
            for (const leaf of leaves(p).filter((l) => l !== 'agency')) {
              if (!personFields.includes('*') && !personFields.some((f) => f.includes('.') && !f.endsWith('.*') && grants(f.slice(f.indexOf('.') + 1), leaf))) faults.push(`${at}: person field ${leaf} released without a clause`);
            }
          }
        }
      }
    }
    process.stdout.write(`isa matrix over HTTP: ${HUB_ROLES.length} roles × ${purposes.length} purposes × ${subjects.length} subjects, ${checked} (subject, source) answers checked\n`);
    expect(faults).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 300_000);

  it('delivers notifications to each role, for each purpose (analytics included), cut at delivery to exactly what the agreement gives that reader', async () => {
    // A notification of every source record to every role of every purpose (analytics included):
    // what is delivered is decided when it is read, so the addressing is set up directly.
    // Records about people, by the subject of one of them, and records about no one (a deliberate fire).
    const held = await sql<{ event_id: string; subject_id: string | null; event_type: string; record: Record<string, unknown> }>(
      `SELECT DISTINCT ON (c.event_id) c.event_id, p.subject_id, c.event_type, c.record FROM consolidation.chronology c JOIN consolidation.persons p USING (agency, person_ref)
       UNION ALL SELECT event_id, NULL, event_type, record FROM consolidation.impersonal_records`,
    );
    expect(held.some((h) => h.subject_id === null)).toBe(true);
    for (const [purpose, p] of Object.entries(agreement.purposes)) {
      for (const role of p.roles) {
        await sql(
          `INSERT INTO hub.notifications (id, kind, recipient_role, purpose, subject_id, event_ids)
           SELECT gen_random_uuid(), 'matrix', $1, $2, s, ARRAY[e] FROM unnest($3::uuid[], $4::uuid[]) AS t(e, s)`,
          [role, purpose, held.map((h) => h.event_id), held.map((h) => h.subject_id)],
        );
      }
    }
    const faults: string[] = [];
    let checked = 0;
    for (const role of HUB_ROLES) {
      const user = Object.values(DEMO_USERS).find((u) => u.roles.includes(role))!;
      const token = (await postJson(`${url('hub-api')}/api/auth/demo-token`, { user: user.sub })).body.token;
      for (const purpose of Object.keys(agreement.purposes)) {
        const res = await getJson(`${url('hub-api')}/api/notifications?limit=1000`, { Authorization: `Bearer ${token}`, 'X-Purpose': purpose });
        if (!agreement.purposes[purpose].roles.includes(role)) {
          if (res.status !== 403) faults.push(`${role} / ${purpose}: expected 403, got ${res.status}`);
          continue;
        }
        const delivered = (res.body as { kind: string; subjectId: string; records: { clause: string; tier: string; record?: Record<string, unknown> }[]; withheld: number }[]).filter((n) => n.kind === 'matrix');
        if (delivered.length !== held.length) faults.push(`${role} / ${purpose}: ${delivered.length} notifications delivered, ${held.length} addressed`);
        const unmatched = [...delivered];
        for (const h of held) {
          const want = expected(agreement, purpose, role, h.event_type);
          const at = `${role} / ${purpose} / ${h.event_type}`;
          const wanted = want.tier === 'fields' ? releasedValues(h.record, want.fields).sort().join('\n') : undefined;
          const i = unmatched.findIndex((n) => n.subjectId === h.subject_id && (want.tier === 'none'
            ? n.records.length === 0 && n.withheld === 1
            : n.records.length === 1 && n.records[0].tier === want.tier && n.records[0].clause === want.clause && (wanted === undefined || leafValues(n.records[0].record).sort().join('\n') === wanted)));
          checked++;
          if (i < 0) faults.push(`${at}: no notification delivered as the agreement says (${want.tier})`);
          else unmatched.splice(i, 1);
        }
      }
    }
    process.stdout.write(`isa matrix over notifications: ${held.length} records × every role of every purpose, ${checked} deliveries checked\n`);
    expect(faults).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  }, 300_000);

  it('audits each answer with the agreement version, clauses and fields released', async () => {
    const rows = await sql<{ decision: string; agreement_version: string | null; clauses: string[]; released: { fields: string[] }[] }>(
      `SELECT decision, agreement_version, clauses, released FROM hub.audit_log WHERE action = 'subjects.view'`,
    );
    expect(rows.length).toBeGreaterThan(100);
    const allowed = rows.filter((r) => r.decision !== 'denied');
    expect(allowed.every((r) => r.agreement_version === agreement.version && r.clauses.length > 0)).toBe(true);
    const decisions = new Set(rows.map((r) => r.decision));
    expect([...decisions].every((d) => ['allowed', 'partly-redacted', 'denied'].includes(d))).toBe(true);
    expect(decisions.has('partly-redacted') && decisions.has('denied')).toBe(true);
  });

  it('erases a person on approval, and replaying the whole Kafka log onto an empty read model does not bring them back', async () => {
    const [victim] = await sql<{ subject_id: string }>(`SELECT subject_id FROM consolidation.persons WHERE person_ref = 'MX-V'`);
    const hub = url('hub-api');
    const as = async (user: string) => ({ Authorization: `Bearer ${(await postJson(`${hub}/api/auth/demo-token`, { user })).body.token}`, 'X-Purpose': 'subject-rights.requests' });
    const logged = await postJson(`${hub}/api/subject-rights/requests`, { subjectId: victim.subject_id, kind: 'erasure', receivedAt: '2026-11-20T09:00:00Z', grounds: 'Art 17(1)(a)' }, await as('auditor'));
    expect((await postJson(`${hub}/api/subject-rights/requests/${logged.body.id}/approve`, { reason: 'no exemption applies' }, await as('admin'))).status).toBe(200);
    await waitFor('consolidation to erase MX-V', async () => (await sql(`SELECT 1 FROM consolidation.persons WHERE person_ref = 'MX-V'`)).length === 0, 60_000);
    /** Rows of consolidation's tables (the erasure register aside) that still carry the text. */
    const traces = async (text: string) => {
      const tables = await sql<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'consolidation' AND table_type = 'BASE TABLE' AND table_name NOT IN ('erasures', 'migrations')`);
      const hits: string[] = [];
      for (const { t } of tables) if ((await sql(`SELECT 1 FROM consolidation."${t}" x WHERE row_to_json(x)::text LIKE $1 LIMIT 1`, [`%${text}%`])).length) hits.push(t);
      return hits;
    };
    expect(await traces('MX-V"')).toEqual([]);
    const before = await sql<{ persons: number; processed: number }>(`SELECT (SELECT count(*)::int FROM consolidation.persons) AS persons, (SELECT count(*)::int FROM consolidation.processed_events) AS processed`);

    // The documented rebuild: stop consolidation, move its group to the start of the log, empty the read model, start it again.
    await services.get('consolidation')!.stop();
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await resetConsumerGroup(admin, 'consolidation', consolidationTopics(), prefix);
    } finally {
      await admin.disconnect();
    }
    await truncateReadModel({ query: (text: string) => sql(text) });
    expect((await sql(`SELECT 1 FROM consolidation.persons`)).length).toBe(0);
    services.set('consolidation', await startService('consolidation', await freePort(), env));
    await waitFor('the log replayed', async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.processed_events`))[0].n >= before[0].processed, 120_000);

    expect(await traces('MX-V"')).toEqual([]);
    expect(await traces('MX-P"')).toEqual(expect.arrayContaining(['persons', 'chronology'])); // the probe finds what is there
    const [after] = await sql<{ persons: number }>(`SELECT count(*)::int AS persons FROM consolidation.persons`);
    process.stdout.write(`erasure and replay: ${after.persons} agency persons back after replaying ${before[0].processed} events; the erased one not\n`);
    expect(after.persons).toBe(before[0].persons);
    // the others came back: the perpetrator of the erased victim's incident, with the victim scrubbed from it
    const [record] = await sql<{ record: { victim: unknown } }>(`SELECT record FROM consolidation.chronology WHERE person_ref = 'MX-P'`);
    expect(record.record.victim).toEqual({ erased: true });
  }, 240_000);
});
