import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEvent, recordKind } from '../../libs/contracts/src';
import { defaultAgreementsDir } from '../../libs/isa/src';
import { getJson, incident, postJson } from '../support/fixtures';
import { query } from '../support/postgres';
import { pdfText } from '../support/pdf-text';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';

const DAY = 86_400_000;

/**
 * The coordinator's screening and the meetings (consolidation raising referrals, hub-api on
 * PostgreSQL): accept lists a case at the next meeting of the victim's group with time for
 * research, past the cap the lowest priority move on; reject and merge need a reason.
 */
describe('hub-api MARAC screening and meetings on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let coordinator: Record<string, string>;
  const groupsFile = join(mkdtempSync(join(tmpdir(), 'marac-')), 'groups.yaml');

  /** A DA incident with `ticks` DASH ticks for a victim living at `postcode`; returns the referral raised. */
  const referral = async (ref: string, victimRef: string, postcode: string, ticks: number, daysAgo = 1) => {
    const k = recordKind('police', 'domestic-incident');
    const data = incident(ref, victimRef, { ticks, daysAgo });
    data.victim.address = { line1: '1 Test Street', postcode };
    const event = newEvent({ type: k.eventType, source: '/safer-hub/police', partitionKey: k.partitionKey(data), data });
    await hub.transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await hub.transport.drained();
    const list = (await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body as { id: string; triggerIncidentRef: string }[];
    return list.find((r) => r.triggerIncidentRef === ref)!.id;
  };
  const accept = (id: string, body: object = {}) => postJson(`${hub.base}/api/marac/referrals/${id}/accept`, body, coordinator);

  beforeAll(async () => {
    // cap 2, so a third case shows the overflow
    writeFileSync(groupsFile, readFileSync(join(defaultAgreementsDir(), '..', 'marac', 'groups.yaml'), 'utf8').replace(/cap: 16/g, 'cap: 2'));
    process.env.MARAC_GROUPS_FILE = groupsFile;
    hub = await startHubOnPostgres();
    delete process.env.MARAC_GROUPS_FILE;
    coordinator = await hub.as('marac-coordinator', 'marac.risk-management');
  });
  afterAll(async () => hub?.close());

  it('lists an accepted case at the first meeting of the victim’s group at least five days ahead, in the fortnightly series', async () => {
    const id = await referral('MR-DA-1', 'MR-V-1', 'TS24 7AA', 14);
    const res = await accept(id);
    expect(res.status).toBe(200);
    expect(res.body.group).toBe('north');
    const at = new Date(res.body.startsAt).getTime();
    expect(at).toBeGreaterThanOrEqual(Date.now() + 5 * DAY - 60_000);
    expect(at).toBeLessThan(Date.now() + 19 * DAY + 60_000);
    expect((at - Date.parse('2026-01-08T09:30:00Z')) % (14 * DAY)).toBe(0);
    const listed = (await getJson(`${hub.base}/api/marac/referrals?status=accepted`, coordinator)).body;
    expect(listed).toEqual([expect.objectContaining({ id, status: 'accepted', listing: { group: 'north', meetingId: res.body.meetingId, startsAt: res.body.startsAt }, screening: expect.objectContaining({ decidedBy: 'marac-coordinator' }) })]);
    expect((await accept(id)).status).toBe(409);
  });

  it('sends a Middlesbrough victim to the south group, and asks which group for a district across a boundary', async () => {
    const south = await accept(await referral('MR-DA-2', 'MR-V-2', 'TS1 2AA', 15));
    expect(south.body.group).toBe('south');
    const shared = await referral('MR-DA-3', 'MR-V-3', 'TS27 4AA', 15);
    const asked = await accept(shared);
    expect(asked.status).toBe(400);
    expect(asked.body.fields).toEqual([{ path: 'group', reason: expect.stringContaining('TS27') }]);
    expect((await accept(shared, { group: 'east' })).body.fields.map((f: { path: string }) => f.path)).toEqual(['group']);
    expect((await accept(shared, { group: 'north', reason: 'lives in Hart village' })).body.group).toBe('north');
  });

  it('keeps an agenda to the cap, highest risk first; the lowest move to the next meeting', async () => {
    const first = (await accept(await referral('MR-DA-1B', 'MR-V-4', 'TS25 1AA', 20))).body; // north now has 14, 15 (TS27) and 20 ticks: cap 2
    const agenda = (await getJson(`${hub.base}/api/marac/meetings/${first.meetingId}/agenda`, coordinator)).body;
    expect(agenda.cap).toBe(2);
    expect(agenda.cases.map((c: { ticks: number }) => c.ticks)).toEqual([20, 15]);
    expect(agenda.cases[0].victim).toEqual({ agency: 'police', givenName: 'Test', familyName: expect.any(String), dateOfBirth: expect.any(String), address: { postcode: 'TS25 1AA' } });
    expect(agenda.attendees).toContain('harbour');
    const meetings = (await getJson(`${hub.base}/api/marac/meetings?group=north`, coordinator)).body as { id: string; startsAt: string; cases: number }[];
    const at = meetings.findIndex((m) => m.id === first.meetingId);
    expect(meetings[at].cases).toBe(2);
    expect(meetings[at + 1].cases).toBe(1); // the 14-tick case moved on
    const next = (await getJson(`${hub.base}/api/marac/meetings/${meetings[at + 1].id}/agenda`, await hub.as('marac-member-police', 'marac.risk-management'))).body;
    expect(next.cases.map((c: { ticks: number }) => c.ticks)).toEqual([14]);
    expect((await getJson(`${hub.base}/api/marac/meetings?group=west`, coordinator)).body.fields).toEqual([{ path: 'group', reason: 'north or south' }]);
  });

  it('rejects with a reason, and merges a duplicate only into a referral of the same victim', async () => {
    const a = await referral('MR-DA-5', 'MR-V-5', 'TS18 1AB', 16, 30);
    const dup = await referral('MR-DA-6', 'MR-V-5', 'TS18 1AB', 2, 1); // repeat within 12 months of the last referral
    const other = await referral('MR-DA-7', 'MR-V-7', 'TS18 1AB', 16);
    const merge = (id: string, body: object) => postJson(`${hub.base}/api/marac/referrals/${id}/merge`, body, coordinator);
    expect((await merge(dup, { into: other, reason: 'same night' })).body.fields).toEqual([{ path: 'into', reason: expect.stringContaining('another victim') }]);
    expect((await merge(dup, { into: a, reason: 'the same incident reported twice' })).body).toEqual({ status: 'merged', into: a });
    const reject = (id: string, body: object) => postJson(`${hub.base}/api/marac/referrals/${id}/reject`, body, coordinator);
    expect(new Set((await reject(other, {})).body.fields.map((f: { path: string }) => f.path))).toEqual(new Set(['reason']));
    expect((await reject(other, { reason: 'not personally connected' })).body).toEqual({ status: 'rejected' });
    expect((await reject(other, { reason: 'again' })).status).toBe(409);
    const all = (await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body as { id: string; status: string; repeat: boolean; screening?: { reason?: string; mergedInto?: string } }[];
    expect(all.find((r) => r.id === dup)).toMatchObject({ status: 'merged', repeat: true, screening: { mergedInto: a } });
    expect(all.find((r) => r.id === other)).toMatchObject({ status: 'rejected', screening: { reason: 'not personally connected' } });
    expect((await postJson(`${hub.base}/api/marac/referrals/${a}/accept`, {}, await hub.as('marac-member-police', 'marac.risk-management'))).status).toBe(403);
  });

  it('reads one referral as the list shows it, audited for its victim alone', async () => {
    const id = await referral('MR-DA-8', 'MR-V-8', 'TS24 8AA', 16);
    const listed = ((await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body as { id: string; subjectId: string }[]).find((r) => r.id === id)!;
    const one = await getJson(`${hub.base}/api/marac/referrals/${id}`, coordinator);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(listed);
    const audited = await query<{ subject_id: string }>(hub.db.url, `SELECT subject_id FROM hub.audit_log WHERE action = 'marac.referral.read'`);
    expect(audited).toEqual([{ subject_id: listed.subjectId }]);
    expect((await getJson(`${hub.base}/api/marac/referrals/${randomUUID()}`, coordinator)).status).toBe(404);
    expect((await getJson(`${hub.base}/api/marac/referrals/not-an-id`, coordinator)).body.fields).toEqual([{ path: 'id', reason: 'must be a UUID' }]);
    expect((await getJson(`${hub.base}/api/marac/referrals/${id}`, await hub.as('marac-member-police', 'marac.risk-management'))).status).toBe(403);
  });

  it('takes a referral on professional judgement from an agency, only with consent or a recorded override, and lists it like the rest', async () => {
    // a victim known to housing only: an ASB report she made, no DA incident, so no automatic referral
    const k = recordKind('housing', 'asb-report');
    const data = { reportRef: 'MR-ASB-1', reportedAt: new Date(Date.now() - 2 * DAY).toISOString(), category: 'nuisance', asbType: 'noise', hate: false,
      reporter: { personRef: 'MR-TG-9', givenName: 'Nadia', familyName: 'Okoro', dateOfBirth: '1988-02-02', address: { line1: '4 Test Row', postcode: 'TS24 8AA' } }, location: { ward: 'Victoria', postcode: 'TS24 8AA' } };
    const event = newEvent({ type: k.eventType, source: '/safer-hub/housing', partitionKey: k.partitionKey(data), data });
    await hub.transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await hub.transport.drained();
    const [{ subject_id: subjectId }] = await query<{ subject_id: string }>(hub.db.url, `SELECT subject_id FROM consolidation.persons WHERE person_ref = 'MR-TG-9'`);
    const housing = await hub.as('marac-member-housing', 'marac.risk-management');
    const refer = () => postJson(`${hub.base}/api/marac/referrals`, { subjectId, reason: 'Disclosed strangulation at a tenancy visit; neighbour dispute masks DA' }, housing);

    expect((await postJson(`${hub.base}/api/subjects/${subjectId}/consent`, { purpose: 'marac.risk-management', state: 'refused', statedAt: new Date(Date.now() - DAY).toISOString() }, housing)).status).toBe(201);
    const refused = await refer();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/refused.*override/);
    expect(new Set((await postJson(`${hub.base}/api/marac/referrals`, { subjectId: 'x' }, housing)).body.fields.map((f: { path: string }) => f.path))).toEqual(new Set(['reason', 'subjectId']));
    await postJson(`${hub.base}/api/subjects/${subjectId}/consent/overrides`, { purpose: 'marac.risk-management', reason: 'high risk of serious harm to the victim or to children in the household', decisionMaker: 'Sam Okafor, Thirteen safeguarding lead' }, housing);
    const made = await refer();
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ repeat: false, consent: { state: 'refused', override: { decisionMaker: 'Sam Okafor, Thirteen safeguarding lead' }, permitted: true } });

    const listed = ((await getJson(`${hub.base}/api/marac/referrals?subjectId=${subjectId}`, coordinator)).body as Record<string, any>[]);
    expect(listed).toEqual([expect.objectContaining({
      id: made.body.id, source: 'manual', referringAgency: 'housing', criterion: 'professional-judgement', status: 'new', referralReason: expect.stringContaining('strangulation'),
      victim: { agency: 'housing', givenName: 'Nadia', familyName: 'Okoro', dateOfBirth: '1988-02-02', address: { postcode: 'TS24 8AA' } },
    })]);
    const accepted = await accept(made.body.id);
    expect(accepted.body.group).toBe('north');
    const agenda = (await getJson(`${hub.base}/api/marac/meetings/${accepted.body.meetingId}/agenda`, coordinator)).body;
    expect(agenda.cases.find((c: { referralId: string }) => c.referralId === made.body.id)).toMatchObject({ source: 'manual', riskLevel: 'high', ticks: null, victim: { givenName: 'Nadia' } });
    // a second within 12 months is a repeat
    expect((await refer()).body.repeat).toBe(true);
  });

  it('asks every agency round the table for research by two days before the meeting, pre-filled as each reader may see it', async () => {
    const id = await referral('MR-DA-R', 'MR-V-R', 'TS24 9ZZ', 18);
    const listed = (await accept(id)).body;
    const police = await hub.as('marac-member-police', 'marac.risk-management');
    const housing = await hub.as('marac-member-housing', 'marac.risk-management');
    const research = (await getJson(`${hub.base}/api/marac/referrals/${id}/research`, police)).body;
    expect(research.meetingId).toBe(listed.meetingId);
    expect(research.sections.map((x: { agency: string }) => x.agency)).toEqual(['police', 'harbour', 'housing', 'treatment', 'youth-justice', 'fire', 'hbc', 'probation', 'health', 'childrens-services']);
    const policeSection = research.sections[0];
    expect(policeSection).toMatchObject({ agency: 'police', status: 'requested', dueAt: new Date(Date.parse(listed.startsAt) - 2 * DAY).toISOString(), signposted: false });
    expect(policeSection.prefill).toEqual([expect.objectContaining({ kind: 'domestic-incident', role: 'da-victim', clause: 'marac.da-incident' })]);
    expect(policeSection.prefill[0].record.victim).toEqual({ givenName: 'Test', familyName: expect.any(String), dateOfBirth: expect.any(String), address: { postcode: 'TS24 9ZZ' } });
    expect(research.sections[2].prefill).toEqual([]);

    const submit = (agency: string, body: object, as = housing) => postJson(`${hub.base}/api/marac/referrals/${id}/research/${agency}`, body, as);
    expect((await submit('police', { summary: 'x' })).status).toBe(403);
    expect((await submit('housing', {})).body.fields.map((f: { path: string }) => f.path)).toContain('summary');
    expect((await submit('housing', { summary: 'Tenant since 2019; two noise complaints against the partner', risks: 'partner holds keys' })).body).toEqual({ status: 'submitted' });
    expect((await submit('housing', { summary: 'Tenant since 2019; partner removed from the tenancy in May', corrections: 'the complaints were by the victim' })).status).toBe(200);
    expect((await submit('mars', { summary: 'x' }, coordinator)).status).toBe(404);
    const after = (await getJson(`${hub.base}/api/marac/referrals/${id}/research`, coordinator)).body.sections[2];
    expect(after).toMatchObject({ agency: 'housing', status: 'submitted', submission: { summary: expect.stringContaining('removed'), corrections: expect.any(String), submittedBy: 'marac-member-housing', versions: 2 } });
    expect(after.submission.risks).toBeUndefined();
  });

  it('builds the case pack for each reader as the agreement lets them see it, as HTML and as a PDF naming them on every page', async () => {
    const id = (await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body.find((r: { triggerIncidentRef?: string }) => r.triggerIncidentRef === 'MR-DA-R').id;
    // the victim is also in treatment: MARAC gets a signpost, never the detail
    const victim = incident('MR-DA-R', 'MR-V-R').victim;
    const k = recordKind('treatment', 'referral');
    const data = { referralRef: 'ST-MR-R1', referredAt: new Date(Date.now() - 3 * DAY).toISOString(), source: 'court', service: 'criminal-justice', orderType: 'drug-rehabilitation-requirement',
      client: { personRef: 'ST-MR-R', givenName: victim.givenName, familyName: victim.familyName, dateOfBirth: victim.dateOfBirth, identifiers: { crossRefs: [{ agency: 'police', personRef: 'MR-V-R' }] } } };
    const event = newEvent({ type: k.eventType, source: '/safer-hub/treatment', partitionKey: k.partitionKey(data), data });
    await hub.transport.publisher().publish([{ topic: k.topic, key: event.partitionkey, value: JSON.stringify(event) }]);
    await hub.transport.drained();

    const police = await hub.as('marac-member-police', 'marac.risk-management');
    const pdf = await fetch(`${hub.base}/api/marac/referrals/${id}/case-pack?format=pdf`, { headers: police });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { pages, text } = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const heading of ['MARAC case pack', 'Victim, perpetrator and children', 'DASH score and history', 'Chronology across agencies', 'Previous MARACs', 'Risks', 'Agency research', 'Proposed actions']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain(victim.familyName);
    expect(text).toContain('18 of 27 DASH questions ticked');
    expect(text).toContain('partner removed from the tenancy'); // housing's research
    expect(text).toContain('treatment holds records about this person');
    for (const page of pages) expect(page).toContain('Prepared for DS Priya Nair (marac-member, police)');
    // what the MARAC clauses withhold is not in the pack: the street address, the treatment detail
    expect(text).not.toContain('1 Test Street');
    expect(text).not.toContain('drug-rehabilitation-requirement');
    expect(text).not.toContain('criminal-justice');

    const html = await fetch(`${hub.base}/api/marac/referrals/${id}/case-pack`, { headers: coordinator });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('Prepared for Morgan Hale (MARAC coordinator)');
    expect(page).toContain('<h2>Agency research</h2>');
    expect(page).not.toContain('1 Test Street');
    const opened = await query<{ actor: string; action: string; clauses: string[] }>(hub.db.url, `SELECT actor, action, clauses FROM hub.audit_log WHERE action LIKE 'marac.case-pack.%' ORDER BY id`);
    expect(opened.map((o) => `${o.actor} ${o.action}`)).toEqual(['marac-member-police marac.case-pack.pdf', 'marac-coordinator marac.case-pack.html']);
    expect(opened[0].clauses).toEqual(expect.arrayContaining(['marac.da-incident', 'marac.treatment-referral']));
    expect((await fetch(`${hub.base}/api/marac/referrals/${id}/case-pack?format=doc`, { headers: coordinator })).status).toBe(400);
  });

  it('keeps the action log: owner, due date, outcome; an overdue action is flagged and notified to its owner and the coordinator once', async () => {
    const id = (await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body.find((r: { triggerIncidentRef?: string }) => r.triggerIncidentRef === 'MR-DA-R').id;
    const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
    const agree = (body: object) => postJson(`${hub.base}/api/marac/referrals/${id}/actions`, body, coordinator);
    expect((await agree({ description: '', ownerAgency: 'housing', dueOn: '24/12/2026' })).body.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['description', 'dueOn']));
    const late = (await agree({ description: 'Change the locks and fit a door chain', ownerAgency: 'housing', dueOn: day(-1) })).body;
    const next = (await agree({ description: 'Flag the address for a priority response', ownerAgency: 'police', dueOn: day(7) })).body;
    expect(late).toMatchObject({ ownerAgency: 'housing', status: 'open', overdue: true });
    expect(next).toMatchObject({ ownerAgency: 'police', status: 'open', overdue: false });

    const housing = await hub.as('marac-member-housing', 'marac.risk-management');
    const police = await hub.as('marac-member-police', 'marac.risk-management');
    expect((await getJson(`${hub.base}/api/marac/actions`, housing)).body.map((a: { id: string }) => a.id)).toEqual([late.id]);
    expect((await getJson(`${hub.base}/api/marac/actions?overdue=true`, coordinator)).body.map((a: { id: string }) => a.id)).toEqual([late.id]);
    const told = async (as: Record<string, string>) => ((await getJson(`${hub.base}/api/notifications`, as)).body as { kind: string; action?: { id: string } }[]).filter((n) => n.kind === 'marac.action-overdue');
    expect((await told(housing)).map((n) => n.action?.id)).toEqual([late.id]);
    expect((await told(coordinator)).map((n) => n.action?.id)).toEqual([late.id]);
    expect(await told(police)).toEqual([]);
    expect(await told(housing)).toHaveLength(1); // once

    expect((await postJson(`${hub.base}/api/marac/actions/${late.id}/outcome`, { status: 'done', outcome: 'x' }, police)).status).toBe(404);
    const closed = await postJson(`${hub.base}/api/marac/actions/${late.id}/outcome`, { status: 'done', outcome: 'Locks changed on the 22nd' }, housing);
    expect(closed.body).toMatchObject({ status: 'done', overdue: false, outcome: 'Locks changed on the 22nd', closedBy: 'marac-member-housing' });
    expect((await postJson(`${hub.base}/api/marac/actions/${late.id}/outcome`, { status: 'not-done', outcome: 'y' }, coordinator)).status).toBe(409);
    const pack = await (await fetch(`${hub.base}/api/marac/referrals/${id}/case-pack`, { headers: coordinator })).text();
    expect(pack).toContain('Flag the address for a priority response');
    expect(pack).toContain('Locks changed on the 22nd');
  });

  it('reproduces the SafeLives indicators from the meetings held: cases heard, repeat rate, per 10,000 adult women, non-police share', async () => {
    const all = (await getJson(`${hub.base}/api/marac/referrals`, coordinator)).body as { id: string; triggerIncidentRef?: string; source: string; repeat: boolean; status: string }[];
    const police = all.find((r) => r.triggerIncidentRef === 'MR-DA-1')!;
    const manualRepeat = all.find((r) => r.source === 'manual' && r.repeat && r.status === 'new')!;
    expect((await accept(manualRepeat.id)).status).toBe(200);
    // both were heard at the north meeting of 15 October (one of the fortnightly series)
    const [{ id: held }] = await query<{ id: string }>(hub.db.url, `INSERT INTO hub.marac_meetings (marac_group, starts_at) VALUES ('north', '2026-10-15T09:30:00Z') RETURNING id`);
    await query(hub.db.url, `UPDATE hub.marac_screenings SET meeting_id = $1 WHERE referral_id = ANY($2::uuid[])`, [held, [police.id, manualRepeat.id]]);

    const res = await getJson(`${hub.base}/api/marac/indicators?from=2026-10-01&to=2026-11-01`, await hub.as('analyst', 'analytics.depersonalised'));
    expect(res.status).toBe(200);
    const north = res.body.groups.find((g: { group: string }) => g.group === 'north');
    expect(north).toMatchObject({ casesHeard: 2, repeats: 1, repeatRate: 0.5, adultWomen: 37000 + 78000, nonPoliceReferred: 1, nonPoliceShare: 0.5 });
    expect(north.per10kAdultWomenPerYear).toBeCloseTo(((2 * 365.25) / 31) * 10_000 / 115_000, 2);
    expect(res.body.groups.find((g: { group: string }) => g.group === 'south')).toMatchObject({ casesHeard: 0, repeatRate: null });
    expect(res.body.definitions.repeatRate).toMatch(/12 months/);
    const csv = await fetch(`${hub.base}/api/marac/indicators?from=2026-10-01&to=2026-11-01&format=csv`, { headers: coordinator });
    expect((await csv.text()).split('\n')[1]).toMatch(/^north,2,1,0.5,115000,[0-9.]+,1,0.5$/);
    expect((await getJson(`${hub.base}/api/marac/indicators?from=2026-11-01&to=2026-10-01`, coordinator)).body.fields).toEqual([{ path: 'to', reason: 'must be after from' }]);
    expect((await getJson(`${hub.base}/api/marac/indicators?from=2026-10-01&to=2026-11-01`, await hub.as('marac-member-police', 'marac.risk-management'))).status).toBe(403);
  });
});
