import { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAgreementsDir } from '../../libs/isa/src';
import { DataSource } from 'typeorm';
import { openServiceDatabase } from '../../libs/persistence/src';
import { CONSOLIDATION_MIGRATIONS } from '../../apps/consolidation/src/consolidation.bootstrap';
import { startHubApi } from '../../apps/hub-api/src/hub-api.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, getJson, postJson } from '../support/fixtures';

describe('hub-api auth and audit on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  let consolidation: DataSource;
  let base: string;
  const token = async (user: string) => (await postJson(`${base}/api/auth/demo-token`, { user })).body.token as string;
  const referrals = (headers: Record<string, string>) => getJson(`${base}/api/marac/referrals`, headers);
  const audit = () => query<{ actor: string; decision: string; purpose: string; reason: string | null; subject_id: string | null }>(db.url, `SELECT actor, decision, purpose, reason, subject_id FROM hub.audit_log ORDER BY id`);

  beforeAll(async () => {
    process.env.HUB_DEMO_MODE = 'true';
    db = await createTestDatabase();
    // the read model hub-api reads belongs to consolidation: create it with consolidation's migration
    consolidation = await openServiceDatabase({ schema: 'consolidation', entities: [], migrations: CONSOLIDATION_MIGRATIONS }, db.url);
    const [{ id }] = await consolidation.query(`INSERT INTO consolidation.subjects DEFAULT VALUES RETURNING id`);
    await consolidation.query(`INSERT INTO consolidation.persons (agency, person_ref, subject_id, person, norm, link_rule, link_score) VALUES ('police', 'CP-P-1', $1, $2, '{}', 'new-subject', 0)`, [
      id,
      JSON.stringify({ personRef: 'CP-P-1', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-04', address: { line1: '1 Example Street', postcode: 'TS24 7AA' }, identifiers: { nhsNumber: '9434765919' } }),
    ]);
    await consolidation.query(
      `INSERT INTO consolidation.da_incidents (agency, incident_ref, event_id, victim_ref, occurred_at, ticks, risk_level, raised_by_judgement)
       VALUES ('police', 'CP-DA-1', gen_random_uuid(), 'CP-P-1', now(), 15, 'high', false)`,
    );
    await consolidation.query(
      `INSERT INTO consolidation.marac_referrals (id, subject_id, criterion, repeat, incident_refs, trigger_agency, trigger_incident_ref, triggered_at, source_agency)
       VALUES (gen_random_uuid(), $1, 'visible-high-risk', false, '{CP-DA-1}', 'police', 'CP-DA-1', now(), 'police')`,
      [id],
    );
    const port = await freePort();
    app = await startHubApi({ databaseUrl: db.url, port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close();
    await consolidation?.destroy();
    await db?.drop();
  });

  it('refuses no token, a forged token and an unsigned (alg none) token with 401', async () => {
    expect((await referrals({ 'X-Purpose': 'marac.risk-management' })).status).toBe(401);
    const forged = jwt.sign({ roles: ['marac-coordinator'], agency: 'hbc' }, 'not-the-secret', { subject: 'x', issuer: 'safer-hub', audience: 'safer-hub-api' });
    expect((await referrals({ Authorization: `Bearer ${forged}`, 'X-Purpose': 'marac.risk-management' })).status).toBe(401);
    const none = jwt.sign({ roles: ['marac-coordinator'], agency: 'hbc' }, '', { algorithm: 'none', subject: 'x', issuer: 'safer-hub', audience: 'safer-hub-api' });
    expect((await referrals({ Authorization: `Bearer ${none}`, 'X-Purpose': 'marac.risk-management' })).status).toBe(401);
    expect((await postJson(`${base}/api/auth/demo-token`, { user: 'nobody' })).body.fields).toEqual([{ path: 'user', reason: expect.stringContaining('marac-coordinator') }]);
  });

  it('asks for the purpose with a 400 naming X-Purpose', async () => {
    const res = await referrals({ Authorization: `Bearer ${await token('marac-coordinator')}` });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'X-Purpose', reason: expect.any(String) }]);
  });

  it('refuses a role or purpose beyond the rule with 403, and audits the refusal', async () => {
    const before = (await audit()).length;
    expect((await referrals({ Authorization: `Bearer ${await token('analyst')}`, 'X-Purpose': 'analytics.depersonalised' })).status).toBe(403);
    expect((await referrals({ Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'analytics.depersonalised' })).status).toBe(403);
    const refusals = (await audit()).slice(before);
    expect(refusals).toEqual([
      { actor: 'analyst', decision: 'denied', purpose: 'analytics.depersonalised', reason: expect.stringContaining('role analyst'), subject_id: null },
      { actor: 'marac-coordinator', decision: 'denied', purpose: 'analytics.depersonalised', reason: expect.stringContaining('purpose'), subject_id: null },
    ]);
  });

  it('lists referrals for the coordinator under the MARAC purpose, without identifiers or full address, and audits each subject', async () => {
    const res = await referrals({ Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: expect.any(String),
        subjectId: expect.any(String),
        victim: { agency: 'police', personRef: 'CP-P-1', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-04', postcode: 'TS24 7AA' },
        criterion: 'visible-high-risk',
        repeat: false,
        incidentRefs: ['CP-DA-1'],
        triggerIncidentRef: 'CP-DA-1',
        triggeredAt: expect.any(String),
        createdAt: expect.any(String),
        status: 'new',
      },
    ]);
    const last = (await audit()).at(-1);
    expect(last).toEqual({ actor: 'marac-coordinator', decision: 'allowed', purpose: 'marac.risk-management', reason: null, subject_id: res.body[0].subjectId });
  });

  it('pages the list and names bad paging parameters', async () => {
    const headers = { Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' };
    expect((await getJson(`${base}/api/marac/referrals?limit=1&offset=1`, headers)).body).toEqual([]);
    expect((await getJson(`${base}/api/marac/referrals?limit=1`, headers)).body).toHaveLength(1);
    const bad = await getJson(`${base}/api/marac/referrals?limit=5000&offset=-1&status=open`, headers);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path)).toEqual(['status', 'limit', 'offset']);
  });

  it('does not start on an agreement file it cannot read, and says which file and what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    writeFileSync(join(dir, 'shp-isa.yaml'), readFileSync(join(defaultAgreementsDir(), 'shp-isa.yaml'), 'utf8').replace(/^status: signed$/m, 'status: agreed'));
    await expect(startHubApi({ databaseUrl: db.url, port: await freePort(), agreementsDir: dir })).rejects.toThrow(/shp-isa\.yaml.*status/);
  });
});

