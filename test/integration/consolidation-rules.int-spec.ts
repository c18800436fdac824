import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventTypes, newEvent, PersonDto, recordKind, Topics } from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { startConsolidation } from '../../apps/consolidation/src/consolidation.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { daysAgo, freePort } from '../support/fixtures';

/**
 * Consolidation's rules wired to real tables (PostgreSQL, in-process transport): people
 * linked across agencies, then each rule raising its work item and event once. The rules'
 * boundaries are unit-tested beside the rules; this proves the facts reach them.
 */
describe('consolidation rules across agencies on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  const transport = new InProcessTransport();

  const publish = async (agency: string, kind: string, data: Record<string, any>) => {
    const k = recordKind(agency, kind);
    const event = newEvent({ type: k.eventType, source: `/safer-hub/${agency}`, partitionKey: k.partitionKey(data), data });
    await transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await transport.drained();
    return event;
  };
  const workItems = (rule: string) =>
    query<{ owner_teams: string[]; refs: string[]; detail: string | null; subject_id: string | null }>(
      db.url,
      `SELECT owner_teams, refs, detail, subject_id FROM consolidation.work_items WHERE rule = $1 ORDER BY created_at`,
      [rule],
    );
  const subjectOf = async (agency: string, ref: string) =>
    (await query<{ subject_id: string }>(db.url, `SELECT subject_id FROM consolidation.persons WHERE agency = $1 AND person_ref = $2`, [agency, ref]))[0].subject_id;
  const person = (personRef: string, givenName: string, familyName: string, dateOfBirth: string, postcode: string): PersonDto => ({
    personRef, givenName, familyName, dateOfBirth, address: { line1: '1 Test Street', postcode },
  });
  const da = (incidentRef: string, days: number, victim: PersonDto, perpetrator: PersonDto) => ({
    incidentRef, occurredAt: daysAgo(days), location: { postcode: 'TS24 7AA' }, victim, perpetrator,
    dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < 3) },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startConsolidation({ transport, databaseUrl: db.url, port: await freePort() });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('links people across agencies and counts a housing DA disclosure towards MARAC escalation', async () => {
    const amy = person('CP-P-A', 'Amy', 'Hale', '1990-01-02', 'TS24 1AA');
    const mark = person('CP-P-M', 'Mark', 'Hale', '1988-04-05', 'TS24 1AA');
    await publish('police', 'domestic-incident', da('R-DA-1', 200, amy, mark));
    await publish('police', 'domestic-incident', da('R-DA-2', 100, amy, mark));
    // the landlord knows Amy under its own ref: same name, date of birth and postcode links her
    await publish('housing', 'da-disclosure', { disclosureRef: 'R-TG-1', disclosedAt: daysAgo(10), victim: { ...amy, personRef: 'TG-P-A' }, perpetrator: { ...mark, personRef: 'TG-P-M' } });
    expect(await subjectOf('housing', 'TG-P-A')).toBe(await subjectOf('police', 'CP-P-A'));
    const referrals = await query<{ criterion: string; incident_refs: string[]; trigger_agency: string }>(db.url, `SELECT criterion, incident_refs, trigger_agency FROM consolidation.marac_referrals`);
    expect(referrals).toEqual([{ criterion: 'escalation', incident_refs: ['R-DA-1', 'R-DA-2', 'R-TG-1'], trigger_agency: 'housing' }]);
    // the second incident asked for a joint visit, once
    expect(await workItems('joint-visit')).toEqual([{ owner_teams: ['police', 'harbour'], refs: ['R-DA-1', 'R-DA-2'], detail: null, subject_id: await subjectOf('police', 'CP-P-A') }]);
  });

  it('identifies a serial perpetrator at the fifth partner, across agencies, once', async () => {
    const lee = person('CP-P-L', 'Lee', 'Varley', '1980-09-09', 'TS25 2BB');
    const partners = ['Ann', 'Bea', 'Cath', 'Dee', 'Eve', 'Fay'].map((name, i) => person(`CP-P-V${i}`, name, `Partner${'abcdef'[i]}`, `199${i}-03-0${i + 1}`, 'TS25 2BB'));
    for (const [i, victim] of partners.slice(0, 4).entries()) await publish('police', 'domestic-incident', da(`S-DA-${i}`, 300 - i * 10, victim, lee));
    expect(await workItems('serial-perpetrator')).toEqual([]);
    // the fifth partner is known to housing, and Lee under housing's own ref
    await publish('housing', 'da-disclosure', { disclosureRef: 'S-TG-5', disclosedAt: daysAgo(5), victim: { ...partners[4], personRef: 'TG-P-V4' }, perpetrator: { ...lee, personRef: 'TG-P-L' } });
    await publish('police', 'domestic-incident', da('S-DA-6', 1, partners[5], lee));
    const items = await workItems('serial-perpetrator');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ owner_teams: ['police-dvit'], subject_id: await subjectOf('police', 'CP-P-L') });
    expect(items[0].refs).toEqual(['S-DA-0', 'S-DA-1', 'S-DA-2', 'S-DA-3', 'S-TG-5']);
  });

  it('meets the Community Trigger at the third report of one problem by one reporter, police and landlord together', async () => {
    const reporter = person('TG-P-R', 'Rita', 'Moss', '1970-11-11', 'TS26 3CC');
    const report = (ref: string, days: number) => ({
      reportRef: ref, reportedAt: daysAgo(days), category: 'nuisance', asbType: 'noise', reporter, hate: false, problemRef: 'HBC-PROB-9', location: { postcode: 'TS26 3CC' },
    });
    await publish('housing', 'asb-report', report('CT-1', 150));
    await publish('police', 'asb-incident', { incidentRef: 'CT-2', occurredAt: daysAgo(90), category: 'nuisance', location: { postcode: 'TS26 3CC' }, problemRef: 'HBC-PROB-9', reporter: { ...reporter, personRef: 'CP-P-R' } });
    expect(await workItems('community-trigger')).toEqual([]);
    await publish('housing', 'asb-report', report('CT-3', 10));
    expect(await workItems('community-trigger')).toEqual([
      { owner_teams: ['hbc-community-safety'], refs: ['CT-1', 'CT-2', 'CT-3'], detail: 'three-reports-one-reporter', subject_id: await subjectOf('housing', 'TG-P-R') },
    ]);
    const events = transport.read(Topics.WorkItems).map((m) => JSON.parse(m.value!));
    expect(events.filter((e) => e.type === EventTypes.CommunityTriggerMet)).toHaveLength(1);
  });

  it('tells the YJS a child is open to when the fire brigade refers the child as a fire-setter', async () => {
    const child = person('HYJS-P-7', 'Tyler', 'Reed', '2013-05-05', 'TS27 4DD');
    await publish('youth-justice', 'yjs-referral', { referralRef: 'YJ-R-7', referredAt: daysAgo(60), child, team: 'hartlepool', source: 'police', caseOpenedAt: daysAgo(59) });
    await publish('fire', 'fire-setter-referral', { referralRef: 'FEI-7', referredAt: daysAgo(3), person: { ...child, personRef: 'CFB-P-7' }, referrer: 'school' });
    const items = await workItems('fire-setter-yjs');
    expect(items).toEqual([{ owner_teams: ['yjs-hartlepool'], refs: ['FEI-7', 'YJ-R-7'], detail: 'FEI-7|hartlepool', subject_id: await subjectOf('fire', 'CFB-P-7') }]);
    // a redelivered referral under a new event id tells nobody twice
    await publish('fire', 'fire-setter-referral', { referralRef: 'FEI-7', referredAt: daysAgo(3), person: { ...child, personRef: 'CFB-P-7' }, referrer: 'school' });
    expect(await workItems('fire-setter-yjs')).toHaveLength(1);
  });

  it('raises the joint visit a confirmed link reveals, and withdraws it when the link is undone', async () => {
    const decide = async (data: Record<string, unknown>) => {
      const event = newEvent({ type: EventTypes.IdentityDecisionRecorded, source: '/safer-hub/hub-api', partitionKey: `${data.agency}:${data.personRef}`, data: { decisionId: randomUUID(), decidedBy: 'marac-coordinator', decidedAt: new Date().toISOString(), reason: 'test', ...data } });
      await transport.publisher().publish([{ topic: Topics.IdentityDecisions, key: event.partitionkey, value: JSON.stringify(event) }]);
      await transport.drained();
    };
    const perpetrator = person('CP-P-Q', 'Quinn', 'Dale', '1985-08-08', 'TS24 5EE');
    await publish('police', 'domestic-incident', da('J-DA-1', 90, person('CP-P-J', 'Katie', 'Dale', '1992-02-02', 'TS24 5EE'), perpetrator));
    // the landlord knows her as Kate at a new address: a possible match, so no visit yet
    await publish('housing', 'da-disclosure', { disclosureRef: 'J-TG-1', disclosedAt: daysAgo(30), victim: person('TG-P-J', 'Kate', 'Dale', '1992-02-02', 'TS26 7FF') });
    const visitsOf = async () => (await workItems('joint-visit')).filter((w) => w.refs.includes('J-DA-1'));
    expect(await visitsOf()).toEqual([]);
    const [review] = await query<{ id: string }>(db.url, `SELECT id FROM consolidation.identity_reviews WHERE person_ref = 'TG-P-J' AND candidate_ref = 'CP-P-J'`);
    expect(review).toBeDefined();

    await decide({ decision: 'confirm', reviewId: review.id, agency: 'housing', personRef: 'TG-P-J' });
    const merged = await subjectOf('police', 'CP-P-J');
    expect(await subjectOf('housing', 'TG-P-J')).toBe(merged);
    expect(await visitsOf()).toEqual([{ owner_teams: ['police', 'harbour'], refs: ['J-DA-1', 'J-TG-1'], detail: null, subject_id: merged }]);

    await decide({ decision: 'unlink', agency: 'housing', personRef: 'TG-P-J' });
    const [item] = await query<{ status: string; reason: string }>(db.url, `SELECT status, data->>'withdrawnReason' AS reason FROM consolidation.work_items WHERE rule = 'joint-visit' AND 'J-DA-1' = ANY(refs)`);
    expect(item).toEqual({ status: 'withdrawn', reason: expect.stringContaining('unlinked by marac-coordinator') });
    expect(transport.read(Topics.WorkItems).map((m) => JSON.parse(m.value!)).filter((e) => e.type === EventTypes.WorkItemWithdrawn)).toHaveLength(1);
  });
});
