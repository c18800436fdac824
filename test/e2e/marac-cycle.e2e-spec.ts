import { randomBytes } from 'node:crypto';
import { Agency } from '../../libs/contracts/src';
import { freePort, getJson, postJson } from '../support/fixtures';
import { prepareTopics, testKafka } from '../support/kafka';
import { pdfText } from '../support/pdf-text';
import { createTestDatabase } from '../support/postgres';
import { RunningService, ServiceName, startService, waitFor } from '../support/services';

/**
 * A MARAC cycle end to end on Kafka: a police DA incident and a treatment referral of the
 * same woman travel through their edges and consolidation; the coordinator screens the
 * referral the hub raised and lists it; agencies research; an action is agreed; a housing
 * representative's case pack PDF holds every section and nothing their agreement withholds.
 */
describe('MARAC meeting cycle end to end on Kafka', () => {
  const prefix = `e2e-${randomBytes(3).toString('hex')}.`;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const services = new Map<ServiceName, RunningService>();
  const url = (name: ServiceName) => services.get(name)!.url;
  const as = async (user: string) => ({ Authorization: `Bearer ${(await postJson(`${url('hub-api')}/api/auth/demo-token`, { user })).body.token}`, 'X-Purpose': 'marac.risk-management' });
  const post = async (agency: Agency, path: string, body: unknown) => {
    const res = await postJson(`${url(agency)}/${path}`, body);
    if (res.status !== 201) throw new Error(`${agency} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  beforeAll(async () => {
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    await prepareTopics(testKafka());
    db = await createTestDatabase('hub_e2e_marac');
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix, HUB_DEMO_MODE: 'true' };
    const names: ServiceName[] = ['police', 'treatment', 'consolidation', 'hub-api'];
    const started = await Promise.all(names.map(async (name) => [name, await startService(name, await freePort(), env)] as const));
    for (const [name, service] of started) services.set(name, service);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.drop();
    delete process.env.KAFKA_TOPIC_PREFIX;
  });

  it('runs from incidents through screening, listing, research and actions to a case pack without withheld fields', async () => {
    const victim = { personRef: 'MC-CP-V', givenName: 'Imogen', familyName: 'Marsh', dateOfBirth: '1989-04-12', sex: 'F', address: { line1: '17 Larkspur Close', postcode: 'TS25 4QX' }, identifiers: { pnc: '11/456789Q' } };
    await post('police', 'domestic-incidents', {
      incidentRef: 'MC-DA-1', occurredAt: new Date(Date.now() - 86_400_000).toISOString(), location: { ward: 'Rossmere', postcode: 'TS25 4QX' }, victim,
      perpetrator: { personRef: 'MC-CP-P', givenName: 'Dominic', familyName: 'Marsh', dateOfBirth: '1986-09-30' }, childrenPresent: [],
      dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < 16) },
    });
    await post('treatment', 'referrals', {
      referralRef: 'MC-ST-1', referredAt: new Date(Date.now() - 3_600_000).toISOString(), source: 'court', service: 'criminal-justice', orderType: 'drug-rehabilitation-requirement',
      client: { personRef: 'MC-ST-C', givenName: 'Imogen', familyName: 'Marsh', dateOfBirth: '1989-04-12', identifiers: { crossRefs: [{ agency: 'police', personRef: 'MC-CP-V' }] } },
    });
    const coordinator = await as('marac-coordinator');
    const referral = await waitFor('the referral raised', async () => {
      const list = (await getJson(`${url('hub-api')}/api/marac/referrals`, coordinator)).body as { id: string; triggerIncidentRef?: string; criterion: string }[];
      return list.find((r) => r.triggerIncidentRef === 'MC-DA-1');
    }, 90_000);
    expect(referral.criterion).toBe('visible-high-risk');
    // the treatment record has reached the same subject
    await waitFor('the treatment record linked', async () => {
      const view = (await getJson(`${url('hub-api')}/api/subjects/${(referral as unknown as { subjectId: string }).subjectId}`, coordinator)).body;
      return view.signposts?.some((s: { agency: string }) => s.agency === 'treatment');
    }, 90_000);

    const listed = (await postJson(`${url('hub-api')}/api/marac/referrals/${referral.id}/accept`, {}, coordinator)).body;
    expect(listed.group).toBe('north');
    const agenda = (await getJson(`${url('hub-api')}/api/marac/meetings/${listed.meetingId}/agenda`, coordinator)).body;
    expect(agenda.cases.map((c: { referralId: string }) => c.referralId)).toContain(referral.id);

    const housing = await as('marac-member-housing');
    const police = await as('marac-member-police');
    expect((await postJson(`${url('hub-api')}/api/marac/referrals/${referral.id}/research/housing`, { summary: 'Tenant since 2020; rent arrears since the partner moved in', risks: 'partner has keys' }, housing)).status).toBe(200);
    expect((await postJson(`${url('hub-api')}/api/marac/referrals/${referral.id}/research/police`, { summary: 'Three call-outs this year; bail conditions expired' }, police)).status).toBe(200);
    const research = (await getJson(`${url('hub-api')}/api/marac/referrals/${referral.id}/research`, coordinator)).body.sections as { agency: string; status: string }[];
    expect(research.filter((s) => s.status === 'submitted').map((s) => s.agency).sort()).toEqual(['housing', 'police']);
    expect((await postJson(`${url('hub-api')}/api/marac/referrals/${referral.id}/actions`, { description: 'Target-harden the home: locks and a door chain', ownerAgency: 'housing', dueOn: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10) }, coordinator)).status).toBe(201);

    const res = await fetch(`${url('hub-api')}/api/marac/referrals/${referral.id}/case-pack?format=pdf`, { headers: housing });
    expect(res.status).toBe(200);
    const { pages, text } = await pdfText(Buffer.from(await res.arrayBuffer()));
    for (const heading of ['MARAC case pack', 'Victim, perpetrator and children', 'DASH score and history', 'Chronology across agencies', 'Previous MARACs', 'Risks', 'Agency research', 'Proposed actions']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Imogen Marsh');
    expect(text).toContain('Dominic Marsh');
    expect(text).toContain('16 of 27 DASH questions ticked');
    expect(text).toContain('rent arrears since the partner moved in');
    expect(text).toContain('Target-harden the home');
    expect(text).toContain('treatment holds records about this person');
    for (const page of pages) expect(page).toContain('Prepared for Sam Okafor (Thirteen) (marac-member, housing)');
    // withheld from a MARAC member by the agreement: identifiers, the street address, treatment detail
    for (const withheld of ['11/456789Q', '17 Larkspur Close', 'Larkspur', 'criminal-justice', 'drug-rehabilitation', 'MC-CP-V', 'MC-ST-C']) expect(text).not.toContain(withheld);
  }, 180_000);
});
