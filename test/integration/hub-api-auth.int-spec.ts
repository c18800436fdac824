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
import { AuditRetention } from '../../apps/hub-api/src/audit/audit-retention';
import { addMonths } from '../../libs/contracts/src';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, getJson, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

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
    // refused by the agreement itself: the audit names the version that refused
    const view = await getJson(`${base}/api/subjects/00000000-0000-4000-8000-000000000000`, { Authorization: `Bearer ${await token('analyst')}`, 'X-Purpose': 'marac.risk-management' });
    expect(view.status).toBe(403);
    const [row] = await query<{ reason: string; agreement_id: string; agreement_version: string }>(db.url, `SELECT reason, agreement_id, agreement_version FROM hub.audit_log ORDER BY id DESC LIMIT 1`);
    expect(row).toEqual({ reason: 'role analyst may not act for purpose marac.risk-management', agreement_id: 'shp-isa', agreement_version: '2026.1' });
  });

  it('lists referrals for the coordinator under the MARAC purpose, without identifiers or full address, and audits each subject', async () => {
    const res = await referrals({ Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: expect.any(String),
        subjectId: expect.any(String),
        source: 'automatic',
        referringAgency: 'police',
        victim: { agency: 'police', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-04', address: { postcode: 'TS24 7AA' } },
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
    expect(last).toEqual({ actor: 'marac-coordinator', decision: 'partly-redacted', purpose: 'marac.risk-management', reason: null, subject_id: res.body[0].subjectId });
    const [row] = await query<{ agreement_id: string; agreement_version: string; clauses: string[]; released: unknown }>(
      db.url, `SELECT agreement_id, agreement_version, clauses, released FROM hub.audit_log ORDER BY id DESC LIMIT 1`);
    expect(row).toEqual({
      agreement_id: 'shp-isa',
      agreement_version: '2026.1',
      clauses: ['marac.da-incident'],
      released: [{ source: 'uk.shp.police.domestic-incident.recorded.v1', clause: 'marac.da-incident', tier: 'fields', fields: expect.arrayContaining(['victim.givenName', 'dash.*']), records: 1 }],
    });
  });

  it('pages the list and names bad paging parameters', async () => {
    const headers = { Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' };
    expect((await getJson(`${base}/api/marac/referrals?limit=1&offset=1`, headers)).body).toEqual([]);
    expect((await getJson(`${base}/api/marac/referrals?limit=1`, headers)).body).toHaveLength(1);
    const bad = await getJson(`${base}/api/marac/referrals?limit=5000&offset=-1&status=open`, headers);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path)).toEqual(['status', 'limit', 'offset']);
  });

  it('gives auditors the audit log by subject, and the hash chain holds', async () => {
    const subjectId = (await referrals({ Authorization: `Bearer ${await token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' })).body[0].subjectId;
    const auditor = { Authorization: `Bearer ${await token('auditor')}`, 'X-Purpose': 'audit.oversight' };
    const res = await getJson(`${base}/api/audit?subjectId=${subjectId}`, auditor);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThanOrEqual(2);
    expect(res.body[0]).toMatchObject({ actor: 'marac-coordinator', action: 'marac.referrals.list', subjectId, agreementVersion: '2026.1', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await getJson(`${base}/api/audit`, { ...auditor, Authorization: `Bearer ${await token('marac-coordinator')}` })).status).toBe(403);
    expect((await getJson(`${base}/api/audit?subjectId=nope&limit=0`, auditor)).body.fields.map((f: { path: string }) => f.path)).toEqual(['subjectId', 'limit']);
    const verify = await getJson(`${base}/api/audit/verify`, auditor);
    expect(verify.body).toMatchObject({ ok: true, rows: expect.any(Number) });
    expect(verify.body.rows).toBeGreaterThan(5);
  });

  it('is append-only, and an edit made behind its back breaks the chain at that row', async () => {
    await expect(query(db.url, `UPDATE hub.audit_log SET actor = 'someone-else' WHERE id = 2`)).rejects.toThrow(/append-only/);
    await expect(query(db.url, `DELETE FROM hub.audit_log WHERE id = 2`)).rejects.toThrow(/append-only/);
    // A database superuser can still change history; the chain shows it.
    await query(db.url, `ALTER TABLE hub.audit_log DISABLE TRIGGER audit_log_append_only`);
    try {
      const auditor = { Authorization: `Bearer ${await token('auditor')}`, 'X-Purpose': 'audit.oversight' };
      const [original] = await query<Record<string, unknown>>(db.url, `SELECT * FROM hub.audit_log WHERE id = 3`);
      await query(db.url, `UPDATE hub.audit_log SET decision = 'allowed' WHERE id = 3`);
      expect((await getJson(`${base}/api/audit/verify`, auditor)).body).toMatchObject({ ok: false, brokenAt: { id: '3', reason: expect.stringContaining('edited') } });
      await query(db.url, `DELETE FROM hub.audit_log WHERE id = 3`);
      expect((await getJson(`${base}/api/audit/verify`, auditor)).body).toMatchObject({ ok: false, brokenAt: { id: '4', reason: expect.stringContaining('deleted') } });
      // the original row put back as it was: the chain holds again
      await query(db.url, `INSERT INTO hub.audit_log SELECT * FROM jsonb_populate_record(NULL::hub.audit_log, $1::jsonb)`, [JSON.stringify(original)]);
      expect((await getJson(`${base}/api/audit/verify`, auditor)).body).toMatchObject({ ok: true });
    } finally {
      await query(db.url, `ALTER TABLE hub.audit_log ENABLE TRIGGER audit_log_append_only`);
    }
  });

  it('deletes audit rows past the agreed retention, oldest first, and the chain still verifies from its anchor', async () => {
    const sweep = app.get(AuditRetention);
    expect(sweep.retention()).toBe('P6Y');
    const rows = await query<{ id: string; at: Date }>(db.url, `SELECT id, at FROM hub.audit_log ORDER BY id`);
    const keepFrom = rows[5];
    const report = await sweep.sweep(addMonths(new Date(keepFrom.at), 72));
    expect(report).toEqual({ deleted: 5, cutoff: new Date(keepFrom.at).toISOString(), firstKept: String(keepFrom.id) });
    expect((await query<{ id: string }>(db.url, `SELECT min(id)::text AS id FROM hub.audit_log`))[0].id).toBe(String(keepFrom.id));
    const auditor = { Authorization: `Bearer ${await token('auditor')}`, 'X-Purpose': 'audit.oversight' };
    expect((await getJson(`${base}/api/audit/verify`, auditor)).body).toMatchObject({ ok: true, rows: rows.length - 5 });
    // outside the sweep, deleting is still refused
    await expect(query(db.url, `DELETE FROM hub.audit_log WHERE id = $1`, [keepFrom.id])).rejects.toThrow(/append-only/);
    await expect(query(db.url, `DELETE FROM hub.audit_anchors`)).rejects.toThrow(/append-only/);
  });

  it('takes a new agreement version without a restart, and the audit names the version used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    const original = readFileSync(join(defaultAgreementsDir(), 'shp-isa.yaml'), 'utf8');
    writeFileSync(join(dir, 'shp-isa.yaml'), original);
    const port = await freePort();
    process.env.ISA_RELOAD_INTERVAL_MS = '100';
    const second = await startHubApi({ databaseUrl: db.url, port, agreementsDir: dir });
    delete process.env.ISA_RELOAD_INTERVAL_MS;
    try {
      const url = `http://127.0.0.1:${port}`;
      const coordinator = { Authorization: `Bearer ${(await postJson(`${url}/api/auth/demo-token`, { user: 'marac-coordinator' })).body.token}`, 'X-Purpose': 'marac.risk-management' };
      const admin = { Authorization: `Bearer ${(await postJson(`${url}/api/auth/demo-token`, { user: 'admin' })).body.token}`, 'X-Purpose': 'audit.oversight' };
      expect((await getJson(`${url}/api/marac/referrals`, coordinator)).body[0].victim.dateOfBirth).toBe('1990-05-04');
      // Version 2026.2 stops giving the victim's date of birth to MARAC.
      writeFileSync(join(dir, 'shp-isa.yaml'), original.replace(/^version: '2026.1'$/m, "version: '2026.2'").replace(/(id: marac.da-incident[\s\S]*?)\n {10}- victim.dateOfBirth/, '$1'));
      await waitFor('version 2026.2 in force', async () => (await getJson(`${url}/api/agreements`, admin)).body[0].version === '2026.2', 5000);
      const res = await getJson(`${url}/api/marac/referrals`, coordinator);
      expect(res.body[0].victim).toEqual({ agency: 'police', givenName: 'Jane', familyName: 'Doe', address: { postcode: 'TS24 7AA' } });
      const [row] = await query<{ agreement_version: string }>(db.url, `SELECT agreement_version FROM hub.audit_log ORDER BY id DESC LIMIT 1`);
      expect(row.agreement_version).toBe('2026.2');
      // A broken file is refused and the version in force stays.
      writeFileSync(join(dir, 'shp-isa.yaml'), original.replace(/^status: signed$/m, 'status: agreed'));
      const refused = await postJson(`${url}/api/agreements/reload`, {}, admin);
      expect(refused.body).toMatchObject({ changed: false, versions: ['shp-isa 2026.2'], refused: expect.stringMatching(/shp-isa\.yaml.*status/) });
      await new Promise((r) => setTimeout(r, 300)); // the poll sees it too, and also keeps 2026.2
      expect((await getJson(`${url}/api/agreements`, admin)).body[0].version).toBe('2026.2');
      expect((await getJson(`${url}/api/marac/referrals`, coordinator)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('does not start on an agreement file it cannot read, and says which file and what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    writeFileSync(join(dir, 'shp-isa.yaml'), readFileSync(join(defaultAgreementsDir(), 'shp-isa.yaml'), 'utf8').replace(/^status: signed$/m, 'status: agreed'));
    await expect(startHubApi({ databaseUrl: db.url, port: await freePort(), agreementsDir: dir })).rejects.toThrow(/shp-isa\.yaml.*status/);
  });
});

