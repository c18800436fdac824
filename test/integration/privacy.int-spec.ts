import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { addMonths, CloudEvent, EventTypes, newEvent, PersonDto, recordKind, Topics } from '../../libs/contracts/src';
import { AgreementFileError, defaultAgreementsDir } from '../../libs/isa/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { startConsolidation } from '../../apps/consolidation/src/consolidation.bootstrap';
import { consolidationTopics, truncateReadModel } from '../../apps/consolidation/src/privacy/rebuild';
import { RetentionPolicy } from '../../apps/consolidation/src/privacy/retention-policy';
import { RetentionService } from '../../apps/consolidation/src/privacy/retention.service';
import { createTestDatabase, query } from '../support/postgres';
import { daysAgo, freePort } from '../support/fixtures';

/**
 * Erasure, replay and retention on real PostgreSQL with the in-process transport: an erased
 * person leaves no trace in consolidation's schema and stays erased when the log is replayed
 * onto an empty read model; records past their agency's retention are swept, or not stored.
 */
describe('privacy: erasure, replay and retention in consolidation', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  const transport = new InProcessTransport();
  const scheduled = process.env.RETENTION_SWEEP_INTERVAL_MS;

  const publish = async (agency: string, kind: string, data: Record<string, any>): Promise<CloudEvent> => {
    const k = recordKind(agency, kind);
    const event = newEvent({ type: k.eventType, source: `/safer-hub/${agency}`, partitionKey: k.partitionKey(data), data });
    await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await transport.drained();
    return event;
  };
  const person = (personRef: string, givenName: string, familyName: string, dateOfBirth: string, postcode: string): PersonDto => ({
    personRef, givenName, familyName, dateOfBirth, address: { line1: '7 Test Street', postcode },
  });
  const da = (incidentRef: string, occurredAt: string, victim: PersonDto, perpetrator: PersonDto, ticks = 3) => ({
    incidentRef, occurredAt, location: { postcode: 'TS24 7AA' }, victim, perpetrator,
    dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < ticks) },
  });
  const count = async (sql: string, params: unknown[] = []) => (await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;
  /** Every row of every table in consolidation's schema that contains the text anywhere (jsonb included). */
  const mentions = async (text: string): Promise<string[]> => {
    const tables = await query<{ table_name: string }>(db.url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'consolidation' AND table_type = 'BASE TABLE'`);
    const hits: string[] = [];
    for (const { table_name } of tables) {
      const n = await count(`consolidation."${table_name}" x WHERE row_to_json(x)::text ILIKE $1`, [`%${text}%`]);
      if (n > 0) hits.push(`${table_name}: ${n}`);
    }
    return hits;
  };
  const chronologyOf = (agency: string, ref: string) =>
    query<{ kind: string; record_ref: string; role: string; record: any }>(db.url, `SELECT kind, record_ref, role, record FROM consolidation.chronology WHERE agency = $1 AND person_ref = $2 ORDER BY kind, record_ref`, [agency, ref]);

  // Zinnia is erased; Barnaby (who abused her) and Ophelia (her neighbour) are not.
  const zinnia = person('PRV-CP-Z', 'Zinnia', 'Quillfeather', '1991-06-14', 'TS24 9QQ');
  const barnaby = person('PRV-CP-B', 'Barnaby', 'Thistlewood', '1987-02-03', 'TS27 3XY');
  const ophelia = person('PRV-TG-O', 'Ophelia', 'Nettlebed', '1975-10-30', 'TS24 9QR');
  let subjectOfZinnia: string;

  beforeAll(async () => {
    process.env.RETENTION_SWEEP_INTERVAL_MS = '0'; // the tests sweep when they choose
    db = await createTestDatabase();
    app = await startConsolidation({ transport, databaseUrl: db.url, port: await freePort() });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (scheduled === undefined) delete process.env.RETENTION_SWEEP_INTERVAL_MS;
    else process.env.RETENTION_SWEEP_INTERVAL_MS = scheduled;
  });

  it('erases a person: their rows go, and they are scrubbed out of the records kept for others', async () => {
    await publish('police', 'domestic-incident', da('PRV-DA-1', daysAgo(5), zinnia, barnaby, 15));
    // her landlord knows her under its own ref (same name, date of birth and postcode: linked); she reports her neighbour
    await publish('housing', 'asb-report', {
      reportRef: 'PRV-ASB-1', reportedAt: daysAgo(4), category: 'nuisance', asbType: 'noise', reporter: { ...zinnia, personRef: 'PRV-TG-Z' }, alleged: [ophelia],
      hate: false, problemRef: 'PRV-PROB-1', location: { postcode: 'TS24 9QR' },
    });
    const [z] = await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE agency = 'police' AND person_ref = 'PRV-CP-Z'`);
    subjectOfZinnia = z.subject_id;
    expect(await count(`consolidation.persons WHERE subject_id = $1`, [subjectOfZinnia])).toBe(2);
    expect(await count(`consolidation.marac_referrals WHERE subject_id = $1`, [subjectOfZinnia])).toBe(1);
    // the check below can fail: before the erasure she is all over the schema
    expect(await mentions('Quillfeather')).toEqual(expect.arrayContaining([expect.stringMatching(/^persons: 2/), expect.stringMatching(/^chronology: /)]));

    const erasure = newEvent({
      type: EventTypes.ErasureApproved, source: '/safer-hub/hub-api', partitionKey: subjectOfZinnia,
      data: {
        requestId: randomUUID(), subjectId: subjectOfZinnia, decidedBy: 'dpo', decidedAt: new Date().toISOString(),
        persons: [{ agency: 'police', personRef: 'PRV-CP-Z' }, { agency: 'housing', personRef: 'PRV-TG-Z' }],
      },
    });
    await transport.publisher().publish([{ topic: Topics.Erasures, key: erasure.partitionkey, value: JSON.stringify(erasure) }]);
    await transport.drained();

    for (const trace of ['Quillfeather', 'Zinnia', '1991-06-14', 'TS24 9QQ']) expect([trace, await mentions(trace)]).toEqual([trace, []]);
    // her refs remain in the register only
    expect(await mentions('PRV-CP-Z')).toEqual(['erasures: 1']);
    expect(await mentions('PRV-TG-Z')).toEqual(['erasures: 1']);
    expect(await count(`consolidation.marac_referrals WHERE subject_id = $1`, [subjectOfZinnia])).toBe(0);
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'PRV-DA-1'`)).toBe(0);
    expect(await count(`consolidation.subjects WHERE id = $1 AND erased_at IS NOT NULL`, [subjectOfZinnia])).toBe(1);

    // Barnaby's chronology keeps the incident without her; Ophelia's keeps the report without her
    const [barnabys] = await chronologyOf('police', 'PRV-CP-B');
    expect(barnabys).toMatchObject({ record_ref: 'PRV-DA-1', role: 'da-perpetrator' });
    expect(barnabys.record.victim).toEqual({ erased: true });
    expect(barnabys.record.perpetrator).toMatchObject({ familyName: 'Thistlewood' });
    const [ophelias] = await chronologyOf('housing', 'PRV-TG-O');
    expect(ophelias.record.reporter).toEqual({ erased: true });
    expect(ophelias.record.alleged).toEqual([expect.objectContaining({ familyName: 'Nettlebed' })]);
    // the problem keeps its report for the Community Trigger, without a reporter
    expect(await query(db.url, `SELECT reporter_agency, reporter_ref FROM consolidation.asb_reports WHERE ref = 'PRV-ASB-1'`)).toEqual([{ reporter_agency: null, reporter_ref: null }]);
  });

  it('erasing some of a subject’s people keeps the subject for the rest, judged again on what is left', async () => {
    const mabel = person('PRV-CP-M', 'Mabel', 'Partway', '1993-09-09', 'TS25 5MM');
    const abuser = person('PRV-CP-A', 'Arlo', 'Crane', '1990-01-01', 'TS28 1AA');
    await publish('police', 'domestic-incident', da('PRV-DA-M1', daysAgo(6), mabel, abuser, 15));
    await publish('police', 'domestic-incident', da('PRV-DA-M2', daysAgo(5), mabel, abuser));
    await publish('housing', 'da-disclosure', { disclosureRef: 'PRV-TG-DA-M', disclosedAt: daysAgo(4), victim: { ...mabel, personRef: 'PRV-TG-M' } });
    const [{ subject_id: subject }] = await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE agency = 'housing' AND person_ref = 'PRV-TG-M'`);
    expect(await count(`consolidation.persons WHERE subject_id = $1`, [subject])).toBe(2);
    expect(await count(`consolidation.marac_referrals WHERE subject_id = $1 AND status = 'new'`, [subject])).toBe(3);
    expect(await count(`consolidation.work_items WHERE subject_id = $1 AND rule = 'joint-visit' AND status = 'open'`, [subject])).toBe(1);

    // only the police person is named (say, the request was about police records)
    const erasure = newEvent({
      type: EventTypes.ErasureApproved, source: '/safer-hub/hub-api', partitionKey: subject,
      data: { requestId: randomUUID(), subjectId: subject, decidedBy: 'dpo', decidedAt: new Date().toISOString(), persons: [{ agency: 'police', personRef: 'PRV-CP-M' }] },
    });
    await transport.publisher().publish([{ topic: Topics.Erasures, key: erasure.partitionkey, value: JSON.stringify(erasure) }]);
    await transport.drained();

    expect(await count(`consolidation.subjects WHERE id = $1 AND erased_at IS NULL`, [subject])).toBe(1);
    expect(await count(`consolidation.persons WHERE subject_id = $1`, [subject])).toBe(1);
    expect(await count(`consolidation.da_incidents WHERE incident_ref IN ('PRV-DA-M1', 'PRV-DA-M2')`)).toBe(0);
    // the police incidents' referrals went with them; the housing one lost its grounds (a repeat of nothing) and is withdrawn
    expect(await query(db.url, `SELECT trigger_incident_ref, status FROM consolidation.marac_referrals WHERE subject_id = $1`, [subject])).toEqual([
      { trigger_incident_ref: 'PRV-TG-DA-M', status: 'withdrawn' },
    ]);
    expect(await count(`consolidation.work_items WHERE subject_id = $1 AND rule = 'joint-visit' AND status = 'withdrawn'`, [subject])).toBe(1);
    expect(await chronologyOf('housing', 'PRV-TG-M')).toHaveLength(1);
    expect((await chronologyOf('police', 'PRV-CP-A'))[0].record.victim).toEqual({ erased: true });
  });

  it('does not bring an erased person back when the log is replayed onto an empty read model; the others come back', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await truncateReadModel(client);
    await client.end();
    expect(await count(`consolidation.processed_events`)).toBe(0);
    expect(await count(`consolidation.persons`)).toBe(0);
    expect(await count(`consolidation.erasures`)).toBe(3);

    // The same messages again, same event ids: the agency topics first, then the erasure itself.
    const agencyTopics = consolidationTopics().filter((t) => !t.startsWith('hub.'));
    const log = agencyTopics.flatMap((t) => transport.read(t).map((m) => ({ topic: t, key: m.key!, value: m.value! })));
    expect(log.length).toBeGreaterThanOrEqual(2);
    await transport.publisher().publish(log);
    await transport.drained();

    for (const trace of ['Quillfeather', 'Zinnia', 'TS24 9QQ']) expect([trace, await mentions(trace)]).toEqual([trace, []]);
    expect(await count(`consolidation.persons WHERE person_ref IN ('PRV-CP-Z', 'PRV-TG-Z')`)).toBe(0);
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'PRV-DA-1'`)).toBe(0); // not judged: its victim is erased
    expect(await count(`consolidation.marac_referrals`)).toBe(0);
    // Barnaby and Ophelia are back, with her scrubbed from their records exactly as the erasure left them
    expect(await count(`consolidation.persons WHERE person_ref IN ('PRV-CP-B', 'PRV-TG-O')`)).toBe(2);
    const [barnabys] = await chronologyOf('police', 'PRV-CP-B');
    expect(barnabys.record.victim).toEqual({ erased: true });
    expect(barnabys.record.perpetrator).toMatchObject({ givenName: 'Barnaby', familyName: 'Thistlewood' });
    const [ophelias] = await chronologyOf('housing', 'PRV-TG-O');
    expect(ophelias.record.reporter).toEqual({ erased: true });
    expect(await query(db.url, `SELECT reporter_agency, reporter_ref FROM consolidation.asb_reports WHERE ref = 'PRV-ASB-1'`)).toEqual([{ reporter_agency: null, reporter_ref: null }]);

    // The erasure event replayed as well changes nothing more.
    const erasures = transport.read(Topics.Erasures).map((m) => ({ topic: Topics.Erasures, key: m.key!, value: m.value! }));
    await transport.publisher().publish(erasures);
    await transport.drained();
    expect(await count(`consolidation.persons WHERE person_ref IN ('PRV-CP-B', 'PRV-TG-O')`)).toBe(2);
    expect(await count(`consolidation.erasures`)).toBe(3);
  });

  it('sweeps records past their agency retention and keeps those inside it, the cutoff instant itself kept', async () => {
    const policy = app.get(RetentionPolicy);
    expect(policy.byAgency.get('police')).toBe('P2Y');
    // t1 is a fixed time of day on the 15th, a month or so ago; "now" is exactly two years after it.
    const today = new Date();
    const t1 = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 15, 9, 30, 0));
    const dayBefore = new Date(t1.getTime() - 86_400_000);
    const now = addMonths(t1, 24);
    await publish('police', 'domestic-incident', da('RET-DA-IN', t1.toISOString(), person('RET-CP-V1', 'Inez', 'Keptwell', '1980-01-01', 'TS25 1AA'), person('RET-CP-P1', 'Ivo', 'Keptwell', '1979-01-01', 'TS25 1AA'), 15));
    await publish('police', 'domestic-incident', da('RET-DA-OUT', dayBefore.toISOString(), person('RET-CP-V2', 'Olga', 'Gonebye', '1981-02-02', 'TS25 2BB'), person('RET-CP-P2', 'Otto', 'Gonebye', '1978-02-02', 'TS25 2BB'), 15));
    expect(await count(`consolidation.marac_referrals WHERE trigger_incident_ref IN ('RET-DA-IN', 'RET-DA-OUT')`)).toBe(2);
    // records about no one (a deliberate fire) are kept once, and swept by their agency's retention too
    const fire = (incidentRef: string, occurredAt: Date) => ({ incidentRef, occurredAt: occurredAt.toISOString(), location: { ward: 'Headland and Harbour', postcode: 'TS24 0AA' }, propertyType: 'grassland', appliancesAttending: 1, casualties: 0, rescues: 0, derelict: false, suspectedArson: true });
    await publish('fire', 'deliberate-fire', fire('RET-FIRE-IN', addMonths(now, -23)));
    await publish('fire', 'deliberate-fire', fire('RET-FIRE-OUT', dayBefore));
    expect(await count(`consolidation.impersonal_records WHERE record_ref IN ('RET-FIRE-IN', 'RET-FIRE-OUT')`)).toBe(2);
    const [gone] = await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE person_ref = 'RET-CP-V2'`);

    const report = await app.get(RetentionService).sweep(now);

    expect(report.sweptTo.police).toBe(t1.toISOString());
    // the older incident, its two chronology rows (victim and perpetrator), its referral and its people are gone; nothing else
    expect(report.deleted.police).toMatchObject({ chronology: 2, da_incidents: 1, marac_referrals: 1, persons: 2 });
    expect(report.deleted.all).toMatchObject({ subjects: 2 });
    expect(report.deleted.fire).toEqual({ impersonal_records: 1 });
    expect(await query(db.url, `SELECT record_ref FROM consolidation.impersonal_records WHERE record_ref LIKE 'RET-FIRE-%'`)).toEqual([{ record_ref: 'RET-FIRE-IN' }]);
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'RET-DA-OUT'`)).toBe(0);
    expect(await count(`consolidation.chronology WHERE record_ref = 'RET-DA-OUT'`)).toBe(0);
    expect(await count(`consolidation.persons WHERE person_ref IN ('RET-CP-V2', 'RET-CP-P2')`)).toBe(0);
    expect(await count(`consolidation.person_keys WHERE person_ref IN ('RET-CP-V2', 'RET-CP-P2')`)).toBe(0);
    expect(await count(`consolidation.subjects WHERE id = $1`, [gone.subject_id])).toBe(0);
    expect(await mentions('Gonebye')).toEqual([]);
    // the incident at the cutoff instant is kept, with everything about it
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'RET-DA-IN'`)).toBe(1);
    expect(await count(`consolidation.chronology WHERE record_ref = 'RET-DA-IN'`)).toBe(2);
    expect(await count(`consolidation.marac_referrals WHERE trigger_incident_ref = 'RET-DA-IN'`)).toBe(1);
    expect(await count(`consolidation.persons WHERE person_ref IN ('RET-CP-V1', 'RET-CP-P1')`)).toBe(2);
    // the erasure register is not subject to retention, and the sweep is logged by counts
    expect(await count(`consolidation.erasures`)).toBe(3);
    expect(await query(db.url, `SELECT deleted->'police'->>'chronology' AS n FROM consolidation.retention_sweeps`)).toEqual([{ n: '2' }]);
  });

  it('sweeps on one instance at a time: another holding the sweep lock makes it skip', async () => {
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`BEGIN`);
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('consolidation'), hashtext('retention-sweep'))`);
      const report = await app.get(RetentionService).sweep(new Date(Date.now() + 10 * 365 * 86_400_000));
      expect(report).toMatchObject({ skipped: 'another instance is sweeping', deleted: {} });
      expect(await count(`consolidation.chronology WHERE record_ref = 'RET-DA-IN'`)).toBe(2);
    } finally {
      await other.query(`ROLLBACK`);
      await other.end();
    }
  });

  it('does not store a record already past its agency retention when it arrives, but marks it processed', async () => {
    const expired = await publish('police', 'domestic-incident', da('EXP-DA-OLD', addMonths(new Date(Date.now() - 86_400_000), -24).toISOString(), person('EXP-CP-V1', 'Edna', 'Lapsed', '1970-03-03', 'TS26 1AA'), person('EXP-CP-P1', 'Earl', 'Lapsed', '1969-03-03', 'TS26 1AA'), 15));
    const inside = await publish('police', 'domestic-incident', da('EXP-DA-NEW', addMonths(new Date(Date.now() + 86_400_000), -24).toISOString(), person('EXP-CP-V2', 'Nell', 'Current', '1972-04-04', 'TS26 2BB'), person('EXP-CP-P2', 'Ned', 'Current', '1971-04-04', 'TS26 2BB'), 15));
    expect(await count(`consolidation.processed_events WHERE event_id = ANY($1::uuid[])`, [[expired.id, inside.id]])).toBe(2);
    expect(await mentions('Lapsed')).toEqual([]);
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'EXP-DA-OLD'`)).toBe(0);
    expect(await count(`consolidation.da_incidents WHERE incident_ref = 'EXP-DA-NEW'`)).toBe(1);
    expect(await count(`consolidation.chronology WHERE record_ref = 'EXP-DA-NEW'`)).toBe(2);
    expect(await count(`consolidation.marac_referrals WHERE trigger_incident_ref = 'EXP-DA-NEW'`)).toBe(1);
  });

  it('takes a new agreement version’s retention without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    const original = readFileSync(join(defaultAgreementsDir(), 'shp-isa.yaml'), 'utf8');
    writeFileSync(join(dir, 'shp-isa.yaml'), original);
    const bus = new InProcessTransport();
    process.env.ISA_RELOAD_INTERVAL_MS = '100';
    const second = await startConsolidation({ transport: bus, databaseUrl: db.url, port: await freePort(), agreementsDir: dir });
    delete process.env.ISA_RELOAD_INTERVAL_MS;
    try {
      const send = async (ref: string, monthsAgo: number, who: string) => {
        const k = recordKind('police', 'domestic-incident');
        const data = da(ref, addMonths(new Date(), -monthsAgo).toISOString(), person(`RL-V-${who}`, 'Rhoda', `Reload${who}`, '1980-05-05', 'TS25 5RR'), person(`RL-P-${who}`, 'Rory', `Reload${who}`, '1979-05-05', 'TS25 5RR'));
        const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
        await bus.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
        await bus.drained();
      };
      await send('RL-DA-1', 18, 'A');
      expect(await count(`consolidation.da_incidents WHERE incident_ref = 'RL-DA-1'`)).toBe(1);
      // Version 2026.2 keeps every party's records for one year only.
      writeFileSync(join(dir, 'shp-isa.yaml'), original.replace(/^version: '2026.1'$/m, "version: '2026.2'").replace(/: P[2-6]Y$/gm, ': P1Y'));
      await new Promise((r) => setTimeout(r, 500));
      await send('RL-DA-2', 18, 'B');
      expect(await count(`consolidation.da_incidents WHERE incident_ref = 'RL-DA-2'`)).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on an agreement file it cannot read, before it consumes anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    writeFileSync(join(dir, 'shp-isa.yaml'), 'id: broken\n');
    await expect(startConsolidation({ transport: new InProcessTransport(), databaseUrl: db.url, port: await freePort(), agreementsDir: dir })).rejects.toThrow(AgreementFileError);
  });
});
