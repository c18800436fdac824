import { randomBytes } from 'node:crypto';
import { Agency, RECORD_KINDS, recordKind } from '../../libs/contracts/src';
import { edgeSchema } from '../../libs/edge/src';
import { AGENCY_CASES, Case, child, person, POLICE_CASES } from '../support/agency-records';
import { freePort, getJson, postJson } from '../support/fixtures';
import { prepareTopics, testKafka } from '../support/kafka';
import { createTestDatabase, query } from '../support/postgres';
import { RunningService, ServiceName, startService, waitFor } from '../support/services';

const EDGES: Agency[] = ['police', 'fire', 'housing', 'treatment', 'youth-justice'];

type ValidCase = Pick<Case, 'agency' | 'kind' | 'valid'>;
/** DA incidents keep their own table, so they are not among the support cases. */
const DA_CASE: ValidCase = {
  agency: 'police',
  kind: 'domestic-incident',
  valid: {
    incidentRef: 'E2E-ALL-DA-1', occurredAt: '2026-03-01T22:15:00Z', location: { ward: 'Victoria', postcode: 'TS24 7AA' }, victim: person('E2E-ALL-V'),
    perpetrator: person('E2E-ALL-P'), childrenPresent: [child('E2E-ALL-C')], dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < 3) },
  },
};
/** An exit needs its episode start (ST-EP-1, in AGENCY_CASES) first. */
const EPISODE_EXIT: ValidCase = { agency: 'treatment', kind: 'episode-exit', valid: { episodeRef: 'ST-EP-1', endedAt: '2026-06-01T10:00:00Z', exit: 'planned', exitReason: 'completed-drug-free' } };

/**
 * Every agency edge, consolidation and hub-api as their own processes on a real Kafka
 * broker and PostgreSQL: each kind of record travels edge → outbox → Kafka → consolidation;
 * one person known to three agencies under three ids and two spellings becomes one subject
 * with one chronology; a near match waits for a person's decision, and the decision (taken
 * in hub-api, carried by Kafka) merges, then unlinks, with MARAC recomputed each time.
 */
describe('agencies and identity end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const services = new Map<ServiceName, RunningService>();
  const url = (name: ServiceName) => services.get(name)!.url;
  let coordinator: Record<string, string>;

  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => query<T>(db.url, text, params);
  const subjectOf = async (agency: string, ref: string) =>
    (await sql<{ subject_id: string }>(`SELECT subject_id FROM consolidation.persons WHERE agency = $1 AND person_ref = $2`, [agency, ref]))[0]?.subject_id;
  const post = async (agency: Agency, path: string, body: unknown) => {
    const res = await postJson(`${url(agency)}/${path}`, body);
    if (res.status !== 201) throw new Error(`${agency} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { eventId: string };
  };
  const consolidated = (eventIds: string[]) =>
    waitFor(`consolidation to apply ${eventIds.length} event(s)`, async () => {
      const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM consolidation.processed_events WHERE event_id = ANY($1::uuid[])`, [eventIds]);
      return n === eventIds.length;
    }, 90_000);

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    await prepareTopics(testKafka());
    db = await createTestDatabase('hub_e2e');
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true' };
    const names: ServiceName[] = [...EDGES, 'consolidation', 'hub-api'];
    const started = await Promise.all(names.map(async (name) => [name, await startService(name, await freePort(), env)] as const));
    for (const [name, service] of started) services.set(name, service);
    const token = (await postJson(`${url('hub-api')}/api/auth/demo-token`, { user: 'marac-coordinator' })).body.token;
    coordinator = { Authorization: `Bearer ${token}` };
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  it('carries one record of every kind from its edge through Kafka into consolidation', async () => {
    const cases = [DA_CASE, ...POLICE_CASES, ...AGENCY_CASES, EPISODE_EXIT];
    expect(cases.map((c) => `${c.agency}/${c.kind}`).sort()).toEqual(RECORD_KINDS.map((k) => `${k.agency}/${k.kind}`).sort());
    const posted: { agency: Agency; kind: string; eventId: string }[] = [];
    for (const c of cases) {
      const kind = recordKind(c.agency, c.kind);
      const path = kind.path.replace(/:(\w+)/g, (_, param: string) => String(c.valid[param]));
      posted.push({ agency: c.agency, kind: c.kind, eventId: (await post(c.agency, path, c.valid)).eventId });
    }
    await consolidated(posted.map((p) => p.eventId));
    for (const p of posted) {
      // who the event names (read back from the edge's outbox) is who consolidation filed it under
      const [{ event }] = await sql<{ event: string }>(`SELECT event FROM "${edgeSchema(p.agency)}".outbox WHERE event_id = $1`, [p.eventId]);
      const expected = recordKind(p.agency, p.kind).involvements(JSON.parse(event).data).map((i) => `${i.role}:${i.person.personRef}`);
      const filed = await sql<{ role: string; person_ref: string }>(`SELECT role, person_ref FROM consolidation.chronology WHERE event_id = $1`, [p.eventId]);
      expect({ kind: p.kind, filed: filed.map((r) => `${r.role}:${r.person_ref}`).sort() }).toEqual({ kind: p.kind, filed: [...new Set(expected)].sort() });
    }
  });

  it('shows a person known to police, housing and treatment under three ids and two spellings as one subject with one chronology', async () => {
    const jon = { givenName: 'Jon', familyName: 'Smith-Jones', dateOfBirth: '1988-07-21', sex: 'M', address: { line1: '5 Test Terrace', postcode: 'TS25 3QQ' } };
    const police = await post('police', 'custody-entries', {
      custodyRef: 'E2E-C-1', suite: 'Middlesbrough', arrivedAt: '2026-02-01T01:10:00Z', offence: 'Criminal damage', appropriateAdultRequired: false,
      detainee: { personRef: 'E2E-CP-77', ...jon, identifiers: { pnc: '88/123456Z' } },
    });
    // housing spells him as police do: name, date of birth and postcode agree exactly
    const housing = await post('housing', 'asb-reports', {
      reportRef: 'E2E-TG-ASB-1', reportedAt: '2026-02-10T09:00:00Z', category: 'nuisance', asbType: 'noise', hate: false,
      reporter: { personRef: 'E2E-TG-P-3', givenName: 'Jane', familyName: 'Neighbour' }, alleged: [{ personRef: 'E2E-TG-P-9', ...jon }],
      location: { postcode: 'TS25 3QQ' },
    });
    // treatment knows him as Jonathan, with his NHS number, and names his police id (the crosswalk)
    const treatment = await post('treatment', 'referrals', {
      referralRef: 'E2E-ST-R-1', referredAt: '2026-02-15T12:00:00Z', source: 'custody', service: 'criminal-justice',
      client: { personRef: 'E2E-ST-4410', ...jon, givenName: 'Jonathan', identifiers: { nhsNumber: '9434765919', crossRefs: [{ agency: 'police', personRef: 'E2E-CP-77' }] } },
    });
    await consolidated([police.eventId, housing.eventId, treatment.eventId]);

    const ids = await Promise.all([subjectOf('police', 'E2E-CP-77'), subjectOf('housing', 'E2E-TG-P-9'), subjectOf('treatment', 'E2E-ST-4410')]);
    expect(new Set(ids).size).toBe(1);
    // Identity review: each agency's record of the person, as the agreement gives a reviewer.
    const review = await getJson(`${url('hub-api')}/api/subjects/${ids[0]}`, { ...coordinator, 'X-Purpose': 'identity.review' });
    expect(review.status).toBe(200);
    expect(review.body.persons.map((p: any) => `${p.agency}:${p.personRef}:${p.givenName}`).sort()).toEqual(['housing:E2E-TG-P-9:Jon', 'police:E2E-CP-77:Jon', 'treatment:E2E-ST-4410:Jonathan']);
    expect(review.body.chronology).toHaveLength(3);
    // MARAC: one chronology across agencies; treatment is a signpost (START holds a record), nothing more.
    const res = await getJson(`${url('hub-api')}/api/subjects/${ids[0]}`, { ...coordinator, 'X-Purpose': 'marac.risk-management' });
    expect(res.status).toBe(200);
    expect(res.body.chronology.map((e: any) => `${e.agency}/${e.kind}/${e.role}`)).toEqual(['police/custody-entry/detainee', 'housing/asb-report/asb-suspect']);
    expect(res.body.signposts).toEqual([{ agency: 'treatment', clause: 'marac.treatment-referral' }]);
    expect(res.body.agencies.sort()).toEqual(['housing', 'police', 'treatment']);
    const audited = await sql<{ purpose: string; agreement_version: string }>(`SELECT purpose, agreement_version FROM hub.audit_log WHERE action = 'subjects.view' AND subject_id = $1 ORDER BY id`, [ids[0]]);
    expect(audited).toEqual([{ purpose: 'identity.review', agreement_version: '2026.1' }, { purpose: 'marac.risk-management', agreement_version: '2026.1' }]);
  });

  it('queues a near match for review, merges on confirmation (MARAC escalation across agencies), and unlinks again (referral withdrawn)', async () => {
    const victim = (personRef: string, givenName: string, postcode: string) => ({ personRef, givenName, familyName: 'Rowe', dateOfBirth: '1991-03-09', sex: 'F', address: { line1: '2 Test Row', postcode } });
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const answers = (ticks: number) => Array.from({ length: 27 }, (_, i) => i < ticks);
    const incident = (ref: string, days: number) => ({
      incidentRef: ref, occurredAt: daysAgo(days), location: { postcode: 'TS24 8BB' }, victim: victim('E2E-CP-501', 'Katie', 'TS24 8BB'),
      perpetrator: { personRef: 'E2E-CP-502', givenName: 'Mark', familyName: 'Rowe' }, dash: { form: 'police-27', answers: answers(4) },
    });
    const events = [(await post('police', 'domestic-incidents', incident('E2E-DA-1', 200))).eventId, (await post('police', 'domestic-incidents', incident('E2E-DA-2', 100))).eventId];
    // the landlord knows her as Kate, at her new address: a near match, not a link
    events.push(
      (await post('housing', 'da-disclosures', { disclosureRef: 'E2E-TG-DA-1', disclosedAt: daysAgo(20), victim: victim('E2E-TG-P-601', 'Kate', 'TS26 9ZZ') })).eventId,
    );
    await consolidated(events);
    const [police, housing] = [await subjectOf('police', 'E2E-CP-501'), await subjectOf('housing', 'E2E-TG-P-601')];
    expect(police).not.toBe(housing);
    const escalations = () => sql<{ status: string; subject_id: string }>(`SELECT status, subject_id FROM consolidation.marac_referrals WHERE criterion = 'escalation' AND 'E2E-DA-1' = ANY(incident_refs)`);
    expect(await escalations()).toEqual([]);

    const headers = { ...coordinator, 'X-Purpose': 'identity.review' };
    const queue = await getJson(`${url('hub-api')}/api/identity/reviews`, headers);
    const item = queue.body.find((r: any) => r.person.personRef === 'E2E-TG-P-601');
    expect(item).toMatchObject({ status: 'pending', candidate: { agency: 'police', personRef: 'E2E-CP-501' } });
    expect(item.reasons.join(' ')).toMatch(/nickname|given/);

    const confirm = await postJson(`${url('hub-api')}/api/identity/reviews/${item.id}/confirm`, { reason: 'Same woman: Kate is Katie; moved after the second incident' }, headers);
    expect(confirm.status).toBe(202);
    await waitFor('the merge', async () => (await subjectOf('housing', 'E2E-TG-P-601')) === (await subjectOf('police', 'E2E-CP-501')), 60_000);
    const merged = await waitFor('the escalation referral', async () => {
      const rows = await escalations();
      return rows.length === 1 && rows;
    });
    expect(merged[0].status).toBe('new');
    expect((await postJson(`${url('hub-api')}/api/identity/reviews/${item.id}/confirm`, { reason: 'again' }, headers)).status).toBe(409);

    const unlink = await postJson(`${url('hub-api')}/api/identity/unlink`, { agency: 'housing', personRef: 'E2E-TG-P-601', reason: 'Confirmed in error: a different Kate Rowe' }, headers);
    expect(unlink.status).toBe(202);
    await waitFor('the unlink', async () => (await subjectOf('housing', 'E2E-TG-P-601')) !== (await subjectOf('police', 'E2E-CP-501')), 60_000);
    const withdrawn = await waitFor('the referral withdrawn', async () => {
      const rows = await escalations();
      return rows[0]?.status === 'withdrawn' && rows;
    });
    expect(withdrawn).toHaveLength(1);
    const decisions = await sql<{ decision: string; decided_by: string }>(
      `SELECT decision, decided_by FROM consolidation.link_decisions WHERE agency = 'housing' AND person_ref = 'E2E-TG-P-601' ORDER BY id`,
    );
    expect(decisions.map((d) => `${d.decision}:${d.decided_by}`)).toEqual(['new-subject:consolidation', 'confirm:marac-coordinator', 'unlink:marac-coordinator']);
  });
});
