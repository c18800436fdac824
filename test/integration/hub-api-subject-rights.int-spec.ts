import { newEvent, recordKind } from '../../libs/contracts/src';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';
import { getJson, incident, postJson } from '../support/fixtures';
import { pdfText } from '../support/pdf-text';
import { waitFor } from '../support/services';

/**
 * A person's rights through hub-api, with consolidation applying erasures (one PostgreSQL,
 * the in-process bus): the subject access export with every disclosure, as JSON and PDF;
 * consent the purpose relies on; restriction; erasure decided by a second person.
 */
describe('hub-api subject rights, consent and restriction on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let db: HubOnPostgres['db'];
  let transport: HubOnPostgres['transport'];
  let base: string;
  const as = (user: string, purpose: string) => hub.as(user, purpose);
  const publishIncident = async (ref: string, victimRef: string) => {
    const k = recordKind('police', 'domestic-incident');
    const data = incident(ref, victimRef, { ticks: 15 });
    const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
    await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await transport.drained();
    return data;
  };
  const subjectOf = async (ref: string) => (await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE person_ref = $1`, [ref]))[0]?.subject_id;
  const view = async (subjectId: string, user = 'marac-coordinator', purpose = 'marac.risk-management') => getJson(`${base}/api/subjects/${subjectId}`, await as(user, purpose));

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    ({ db, transport, base } = hub);
  });
  afterAll(async () => hub?.close());

  it('exports everything held about a subject and every disclosure of it, as JSON and as a PDF naming the preparer on every page', async () => {
    const data = await publishIncident('SR-DA-1', 'SR-V-1');
    const subjectId = await subjectOf('SR-V-1');
    const marac = await view(subjectId);
    expect(marac.status).toBe(200);
    // the hub's DASH grade shows where the reader's clause gives the DASH, and not where it does not
    expect(marac.body.flags.daVictim).toEqual({ highestRiskLast12Months: 'high', lastIncidentAt: expect.any(String) });
    expect((await view(subjectId, 'marac-coordinator', 'identity.review')).body.flags.daVictim).toEqual({});
    const auditor = await as('auditor', 'subject-rights.requests');
    const res = await getJson(`${base}/api/subjects/${subjectId}/access-export`, auditor);
    expect(res.status).toBe(200);
    expect(res.body.persons).toEqual([expect.objectContaining({ agency: 'police', personRef: 'SR-V-1', person: data.victim })]);
    // the whole record, people and DASH answers included: nothing cut for the person's own request
    expect(res.body.view.chronology).toEqual([expect.objectContaining({ kind: 'domestic-incident', role: 'da-victim', record: data })]);
    expect(res.body.identity.decisions).toEqual([expect.objectContaining({ decision: 'new-subject', agency: 'police', personRef: 'SR-V-1' })]);
    expect(res.body.disclosures).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'marac-coordinator', action: 'subjects.view', purpose: 'marac.risk-management', decision: 'partly-redacted', clauses: ['marac.da-incident'] }),
    ]));
    expect((await getJson(`${base}/api/subjects/${subjectId}/access-export`, await as('marac-coordinator', 'subject-rights.requests'))).status).toBe(403);
    expect((await getJson(`${base}/api/subjects/${subjectId}/access-export?format=docx`, auditor)).body.fields).toEqual([{ path: 'format', reason: 'json or pdf' }]);

    const pdf = await fetch(`${base}/api/subjects/${subjectId}/access-export?format=pdf`, { headers: auditor });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { pages, text } = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const heading of ['Subject access export', 'The person as each agency records them', 'Records held', 'How the hub linked the records', 'Consent', 'Disclosures: who was shown what, and why']) expect(text).toContain(heading);
    expect(text).toContain(data.victim.familyName);
    for (const page of pages) expect(page).toMatch(/Prepared for Lee Grant \(auditor\)/);
    const exports = await query<{ action: string }>(db.url, `SELECT action FROM hub.audit_log WHERE subject_id = $1 AND action LIKE 'subjects.access-export%' ORDER BY id`, [subjectId]);
    expect(exports.map((e) => e.action)).toEqual(['subjects.access-export.json', 'subjects.access-export.pdf']);
  });

  it('stops MARAC reads when the victim refused consent, until a decision maker overrides for an agreed reason', async () => {
    await publishIncident('SR-DA-2', 'SR-V-2');
    const subjectId = await subjectOf('SR-V-2');
    const coordinator = await as('marac-coordinator', 'marac.risk-management');
    const said = await postJson(`${base}/api/subjects/${subjectId}/consent`, { purpose: 'marac.risk-management', state: 'refused', statedAt: new Date(Date.now() - 60_000).toISOString() }, coordinator);
    expect(said.status).toBe(201);
    const refused = await view(subjectId);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/refused/);
    const override = await postJson(`${base}/api/subjects/${subjectId}/consent/overrides`, {
      purpose: 'marac.risk-management', reason: 'high risk of serious harm to the victim or to children in the household', decisionMaker: 'DI Jane Hall, MARAC chair',
    }, coordinator);
    expect(override.status).toBe(201);
    expect((await view(subjectId)).status).toBe(200);
    const decisions = await query<{ decision: string }>(db.url, `SELECT decision FROM hub.audit_log WHERE subject_id = $1 AND action = 'subjects.view' ORDER BY id`, [subjectId]);
    expect(decisions.map((d) => d.decision)).toEqual(['denied', 'partly-redacted']);
  });

  it('restricts a subject on a second person’s approval: no one else sees them until it is lifted', async () => {
    await publishIncident('SR-DA-3', 'SR-V-3');
    const subjectId = await subjectOf('SR-V-3');
    const auditor = await as('auditor', 'subject-rights.requests');
    const admin = await as('admin', 'subject-rights.requests');
    const logged = await postJson(`${base}/api/subject-rights/requests`, { subjectId, kind: 'restriction', receivedAt: '2026-01-31T10:00:00Z', grounds: 'Art 18(1)(a): accuracy contested' }, auditor);
    expect(logged.body).toEqual({ id: expect.any(String), dueBy: '2026-02-28' });
    expect((await postJson(`${base}/api/subject-rights/requests/${logged.body.id}/approve`, { reason: 'x' }, auditor)).status).toBe(403);
    expect((await postJson(`${base}/api/subject-rights/requests`, { subjectId: 'x', kind: 'forget', grounds: '' }, auditor)).body.fields.map((f: { path: string }) => f.path).sort())
      .toEqual(['grounds', 'kind', 'receivedAt', 'subjectId']);
    expect((await postJson(`${base}/api/subject-rights/requests/${logged.body.id}/approve`, { reason: 'accuracy contested by the person' }, admin)).body).toMatchObject({ status: 'approved' });
    expect((await view(subjectId)).status).toBe(403);
    const listed = (await getJson(`${base}/api/marac/referrals`, await as('marac-coordinator', 'marac.risk-management'))).body as { subjectId: string }[];
    expect(listed.some((r) => r.subjectId === subjectId)).toBe(false);
    expect((await postJson(`${base}/api/subject-rights/requests/${logged.body.id}/refuse`, { reason: 'late' }, admin)).status).toBe(409);
    expect((await postJson(`${base}/api/subject-rights/restrictions/${subjectId}/lift`, { reason: 'record corrected by police' }, admin)).body).toEqual({ lifted: true });
    expect((await view(subjectId)).status).toBe(200);
  });

  it('erases a subject on a second person’s approval: consolidation forgets the person and the view has nothing left', async () => {
    const data = await publishIncident('SR-DA-4', 'SR-V-4');
    const subjectId = await subjectOf('SR-V-4');
    const auditor = await as('auditor', 'subject-rights.requests');
    const admin = await as('admin', 'subject-rights.requests');
    const coordinator = await as('marac-coordinator', 'marac.risk-management');
    expect((await postJson(`${base}/api/subjects/${subjectId}/consent`, { purpose: 'marac.risk-management', state: 'given', statedAt: '2026-11-02T10:00:00Z', note: 'agreed at the door' }, coordinator)).status).toBe(201);
    const logged = await postJson(`${base}/api/subject-rights/requests`, { subjectId, kind: 'erasure', receivedAt: '2026-11-01T10:00:00Z', grounds: 'Art 17(1)(a)' }, auditor);
    const approved = await postJson(`${base}/api/subject-rights/requests/${logged.body.id}/approve`, { reason: 'no exemption; agencies consulted' }, admin);
    expect(approved.body).toEqual({ id: logged.body.id, status: 'approved', persons: [{ agency: 'police', personRef: 'SR-V-4' }] });
    await transport.drained();
    await waitFor('the erasure applied', async () => (await subjectOf('SR-V-4')) === undefined);
    const [{ n }] = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM consolidation.chronology WHERE record::text LIKE $1`, [`%${data.victim.familyName}%`]);
    expect(n).toBe(0);
    expect((await view(subjectId)).status).not.toBe(200);
    const [{ c }] = await query<{ c: number }>(db.url, `SELECT count(*)::int AS c FROM hub.consent_statements WHERE subject_id = $1`, [subjectId]);
    expect(c).toBe(0);
  });
});
