import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadAnalyticsConfig } from '../../apps/hub-api/src/analytics/analytics-config';
import { getJson } from '../support/fixtures';
import { HubOnPostgres, startHubOnPostgres } from '../support/hub';
import { query } from '../support/postgres';

/**
 * The partnership's indicators (issue 7): analytics facts written straight into consolidation's
 * table (as consolidation writes them: no person), read back through hub-api as the packs'
 * tables, by year as counted and by ward or month through disclosure control.
 */

const PURPOSE = 'analytics.depersonalised';
const config = loadAnalyticsConfig();

interface Fact {
  agency: string;
  kind: string;
  at: string;
  ward?: string;
  postcode?: string;
  category?: string;
  fields?: Record<string, unknown>;
  /** copies */
  n?: number;
  eventId?: string;
}

describe('Indicators on PostgreSQL', () => {
  let hub: HubOnPostgres;
  let analyst: Record<string, string>;
  const get = (path: string, headers = analyst) => getJson(`${hub.base}/api/analytics/indicators${path}`, headers);
  const row = (body: any, key: string) => body.rows.find((r: any) => r.key === key)?.cells;

  beforeAll(async () => {
    hub = await startHubOnPostgres();
    analyst = await hub.as('analyst', PURPOSE);
    const db = new Client({ connectionString: hub.db.url });
    await db.connect();
    const insert = async (f: Fact) =>
      db.query(
        `INSERT INTO consolidation.analytics_facts (event_id, event_type, agency, kind, occurred_at, ward, outward_postcode, category, fields)
         SELECT CASE WHEN $9::uuid IS NULL THEN gen_random_uuid() ELSE $9::uuid END, $1, $2, $3, $4, $5, $6, $7, $8 FROM generate_series(1, $10::int)`,
        [`uk.shp.${f.agency}.${f.kind}.recorded.v1`, f.agency, f.kind, f.at, f.ward ?? null, f.postcode ?? null, f.category ?? null, f.fields ?? {}, f.eventId ?? null, f.n ?? 1],
      );
    const crime = (at: string, category: string, n: number, place: Partial<Fact> = { ward: 'Victoria', postcode: 'TS24' }) => insert({ agency: 'police', kind: 'crime', at, category, n, ...place });
    // Recorded crime, Hartlepool: 2016 = 17, 2017 = 19
    await crime('2016-05-10T12:00:00Z', 'shoplifting', 5);
    await crime('2016-05-10T12:00:00Z', 'burglary-residential', 3);
    await crime('2016-12-31T23:30:00Z', 'vehicle-crime', 2); // 23:30 GMT: still 2016 in the UK
    await crime('2016-02-01T12:00:00Z', 'homicide', 1);
    await crime('2016-02-01T12:00:00Z', 'public-disorder', 4);
    await crime('2016-02-01T12:00:00Z', 'possession-of-drugs', 2);
    await crime('2017-05-10T12:00:00Z', 'shoplifting', 8);
    await crime('2017-03-31T23:30:00Z', 'burglary-residential', 4); // 00:30 BST on 1 April in the UK
    await crime('2017-01-01T00:30:00Z', 'vehicle-crime', 1);
    await crime('2017-08-01T12:00:00Z', 'rape', 1);
    await crime('2017-08-01T12:00:00Z', 'trafficking-of-drugs', 3);
    // a subtotal stored as if it were a category is not a leaf: never counted
    await crime('2017-08-01T12:00:00Z', 'acquisitive-crime', 1);
    // TS27 straddles the boundary: Hart ward is Hartlepool's, Blackhall is County Durham's
    await crime('2017-09-01T12:00:00Z', 'criminal-damage-arson', 2, { ward: 'Hart', postcode: 'TS27' });
    await crime('2017-09-01T12:00:00Z', 'shoplifting', 1, { ward: 'Blackhall', postcode: 'TS27' });
    // Stockton (TS18), whatever its ward says
    await crime('2017-05-10T12:00:00Z', 'shoplifting', 10, { ward: 'Victoria', postcode: 'TS18' });

    // Police ASB (pack-2018 L1279-1285) and landlord reports
    for (const [year, personal, nuisance, environmental] of [[2016, 2540, 4361, 132], [2017, 2331, 4623, 132]]) {
      for (const [category, n] of [['personal', personal], ['nuisance', nuisance], ['environmental', environmental]] as const) {
        await insert({ agency: 'police', kind: 'asb-incident', at: `${year}-06-01T12:00:00Z`, category, n, ward: 'Victoria', postcode: 'TS24' });
      }
    }
    await insert({ agency: 'housing', kind: 'asb-report', at: '2017-06-01T12:00:00Z', category: 'nuisance', n: 12, ward: 'Victoria', postcode: 'TS24' });

    // Deliberate fires: 2016 = 3 + 5; 2017 by ward, Manor House with 3
    const fire = (at: string, ward: string, category: string, propertyType: string, n: number, postcode = 'TS25') =>
      insert({ agency: 'fire', kind: 'deliberate-fire', at, ward, postcode, category, n, fields: { propertyType, category } });
    await fire('2016-04-01T12:00:00Z', 'Victoria', 'primary', 'dwelling', 3);
    await fire('2016-04-01T12:00:00Z', 'Victoria', 'secondary', 'refuse', 5);
    await fire('2017-04-01T12:00:00Z', 'Victoria', 'primary', 'dwelling', 12);
    await fire('2017-04-01T12:00:00Z', 'Victoria', 'secondary', 'grassland', 30);
    await fire('2017-05-01T12:00:00Z', 'Rossmere', 'primary', 'vehicle', 11);
    await fire('2017-05-01T12:00:00Z', 'Rossmere', 'secondary', 'refuse', 25);
    await fire('2017-06-01T12:00:00Z', 'Manor House', 'secondary', 'derelict-building', 3);
    await fire('2017-06-01T12:00:00Z', 'Stockton Town Centre', 'primary', 'dwelling', 5, 'TS18');

    // DA: four victims in 2017, one of them two police persons linked as one subject
    const victim = async (sex: string, personRefs: string[]) => {
      const subject = randomUUID();
      await db.query(`INSERT INTO consolidation.subjects (id) VALUES ($1)`, [subject]);
      for (const ref of personRefs) {
        await db.query(
          `INSERT INTO consolidation.persons (agency, person_ref, subject_id, person, norm, link_rule, link_score) VALUES ('police', $1, $2, $3, '{}', 'test', 1)`,
          [ref, subject, { personRef: ref, sex }],
        );
      }
    };
    const incident = async (personRef: string, at: string, postcode = 'TS24') => {
      const eventId = randomUUID();
      await insert({ agency: 'police', kind: 'domestic-incident', at, ward: 'Victoria', postcode, category: 'standard', eventId });
      await db.query(
        `INSERT INTO consolidation.chronology (agency, person_ref, role, kind, record_ref, occurred_at, event_id, event_type, record)
         VALUES ('police', $1, 'da-victim', 'domestic-incident', $2, $3, $4, 'uk.shp.police.domestic-incident.recorded.v1', '{}')`,
        [personRef, `DA-${eventId}`, at, eventId],
      );
    };
    await victim('F', ['V-A']);
    await victim('F', ['V-B']);
    await victim('M', ['V-C']);
    await victim('F', ['V-D1', 'V-D2']);
    await incident('V-A', '2017-02-01T12:00:00Z');
    await incident('V-A', '2017-09-01T12:00:00Z');
    await incident('V-B', '2017-03-01T12:00:00Z');
    await incident('V-C', '2017-03-01T12:00:00Z');
    await incident('V-D1', '2017-04-01T12:00:00Z');
    await incident('V-D2', '2017-10-01T12:00:00Z');
    await incident('V-B', '2017-11-01T12:00:00Z', 'TS18'); // in Stockton: not Hartlepool's

    // Children in custody, 2017: Hartlepool 13 h, 2 h, still in custody; one Stockton child
    const custody = (team: string, arrivedAt: string, releasedAt: string | null) =>
      db.query(
        `INSERT INTO consolidation.custody_notifications (id, custody_ref, custody_event_id, subject_id, arrived_at, child_basis, route, team, appropriate_adult_required, raised_at, released_at)
         VALUES ($1, $2, $1, $1, $3, 'age', 'yjs', $4, false, $3, $5)`,
        [randomUUID(), `CC-${randomUUID()}`, arrivedAt, team, releasedAt],
      );
    await custody('hartlepool', '2017-03-01T10:00:00Z', '2017-03-01T23:00:00Z');
    await custody('hartlepool', '2017-03-05T10:00:00Z', '2017-03-05T12:00:00Z');
    await custody('hartlepool', '2017-12-20T10:00:00Z', null);
    await custody('stockton', '2017-03-01T10:00:00Z', '2017-03-02T10:00:00Z');

    // First-time entrants, by team
    await insert({ agency: 'youth-justice', kind: 'first-time-entrant', at: '2017-05-01T12:00:00Z', category: 'youth-caution', fields: { team: 'hartlepool' }, n: 4 });
    await insert({ agency: 'youth-justice', kind: 'first-time-entrant', at: '2017-05-01T12:00:00Z', category: 'youth-caution', fields: { team: 'stockton' }, n: 2 });

    // Treatment: E1 open 2015 to mid-2016 (planned exit), E3 within 2016 (unplanned), E2 from 2017
    const treatment = async (kind: string, ref: string, at: string, category?: string) => {
      const eventId = randomUUID();
      await insert({ agency: 'treatment', kind, at, postcode: 'TS26', category, eventId });
      await db.query(
        `INSERT INTO consolidation.chronology (agency, person_ref, role, kind, record_ref, occurred_at, event_id, event_type, record)
         VALUES ('treatment', $1, 'treatment-client', $2, $3, $4, $5, $6, '{}')`,
        [`C-${ref}`, kind, ref, at, eventId, `uk.shp.treatment.${kind}.recorded.v1`],
      );
    };
    await treatment('referral', 'R1', '2016-01-10T12:00:00Z', 'start');
    await treatment('referral', 'R2', '2016-02-10T12:00:00Z', 'start');
    await treatment('episode-start', 'E1', '2015-06-01T12:00:00Z', 'start');
    await treatment('episode-exit', 'E1', '2016-06-01T12:00:00Z', 'planned');
    await treatment('episode-start', 'E3', '2016-03-01T12:00:00Z', 'start');
    await treatment('episode-exit', 'E3', '2016-09-01T12:00:00Z', 'unplanned');
    await treatment('episode-start', 'E2', '2017-02-01T12:00:00Z', 'start');
    await db.end();
  });
  afterAll(async () => hub?.close());

  it('lists the indicators with their breakdowns', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body.map((i: any) => i.name)).toEqual(['recorded-crime', 'asb', 'deliberate-fires', 'marac', 'da-repeat-victims', 'children-in-custody', 'first-time-entrants', 'treatment']);
    expect(body[0]).toEqual({ name: 'recorded-crime', title: expect.any(String), definition: expect.any(String), breakdowns: ['year', 'ward', 'month'] });
  });

  it('gives recorded crime by Home Office category with subtotals summed from the leaves, change and % change', async () => {
    const { status, body } = await get('/recorded-crime?area=hartlepool&from=2016&to=2017');
    expect(status).toBe(200);
    expect(body).toMatchObject({ indicator: 'recorded-crime', area: 'hartlepool', from: 2016, to: 2017, by: 'year', level: 'partnership', columns: ['2016', '2017', 'Change', '% change'] });
    expect(body.disclosure).toEqual({ suppressBelow: 10, roundTo: 5, applied: false });
    expect(body.rows).toHaveLength(27); // 20 categories, 6 subtotals and the total
    expect(body.rows[0]).toEqual({ key: 'total', label: 'Total recorded crime', level: 'total', cells: [17, 19, 2, 11.8] });
    // 5 + 3 + 2 and 8 + 4 + 1: the stored 'acquisitive-crime' fact is no leaf (and is noted)
    expect(body.rows.find((r: any) => r.key === 'acquisitive')).toMatchObject({ label: 'Acquisitive Crime', level: 'subtotal', cells: [10, 13, 3, 30] });
    expect(row(body, 'victim-based')).toEqual([11, 16, 5, 45.5]);
    expect(row(body, 'other-crimes-against-society')).toEqual([6, 3, -3, -50]);
    expect(row(body, 'drug-offences')).toEqual([2, 3, 1, 50]);
    expect(row(body, 'homicide')).toEqual([1, 0, -1, -100]);
    expect(row(body, 'vehicle-crime')).toEqual([2, 1, -1, -50]);
    // Hart (TS27) counts for Hartlepool; Blackhall (TS27) and TS18 do not
    expect(row(body, 'criminal-damage-arson')).toEqual([0, 2, 2, null]);
    expect(row(body, 'shoplifting')).toEqual([5, 8, 3, 60]);
    expect(body.notes.join(' ')).toMatch(/1 crimes with no category or one outside/);
    expect(body.notes.join(' ')).toMatch(/3,903.*3,951/);

    const stockton = (await get('/recorded-crime?area=stockton-on-tees&from=2017&to=2017')).body;
    expect(stockton.columns).toEqual(['2017']);
    expect(row(stockton, 'shoplifting')).toEqual([10]);
  });

  it('gives crime by UK month below partnership level, through disclosure control', async () => {
    const { body } = await get('/recorded-crime?from=2017&to=2017&by=month');
    expect(body).toMatchObject({ level: 'below-partnership', disclosure: { applied: true }, columns: ['Violence against the person', 'Sexual Offences', 'Acquisitive Crime', 'Criminal Damage and Arson', 'Other crimes against society', 'Total'] });
    expect(body.rows.map((r: any) => r.key)).toEqual([...Array.from({ length: 12 }, (_, i) => `2017-${String(i + 1).padStart(2, '0')}`), 'total']);
    // 23:30 GMT on 31 December 2016 is not in 2017; 23:30 UTC on 31 March 2017 is 1 April in the UK (4 burglaries, suppressed)
    expect(row(body, '2017-03')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(row(body, '2017-04')).toEqual([0, 0, '[c]', 0, 0, '[c]']);
    expect(row(body, 'total')).toEqual([0, '[c]', 15, '[c]', '[c]', 20]);
  });

  it('gives police ASB by type and per 1,000 population with the configured denominator, landlord reports apart', async () => {
    const { body } = await get('/asb?from=2016&to=2017');
    expect(row(body, 'personal')).toEqual([2540, 2331, -209, -8.2]);
    expect(row(body, 'nuisance')).toEqual([4361, 4623, 262, 6]);
    expect(row(body, 'total')).toEqual([7033, 7086, 53, 0.8]);
    expect(row(body, 'per-1000')).toEqual([77.2, 77.8, 0.6, 0.8]); // pack-2018: 77.8 in 2017
    expect(row(body, 'landlord-reports')).toEqual([0, 12, 12, null]);
    expect(config.populations.hartlepool?.all[2017]).toBe(91080);

    const unconfigured = (await get('/asb?from=2018&to=2019')).body;
    expect(row(unconfigured, 'per-1000')).toEqual([null, null, null, null]);
    expect(unconfigured.notes).toContain(`no population configured for hartlepool 2018 (all): no rate (${basename(config.file)})`);
  });

  it('gives deliberate fires by year with the illustrative economic cost', async () => {
    const { body } = await get('/deliberate-fires?from=2016&to=2017');
    expect(row(body, 'primary')).toEqual([3, 23, 20, 666.7]);
    expect(row(body, 'secondary')).toEqual([5, 58, 53, 1060]);
    expect(row(body, 'total')).toEqual([8, 81, 73, 912.5]);
    const { perFire } = config.fireEconomicCost;
    const [c2016, c2017] = [3 * perFire['buildings-and-vehicles'] + 5 * perFire.other, 26 * perFire['buildings-and-vehicles'] + 55 * perFire.other];
    expect(row(body, 'economic-cost').slice(0, 3)).toEqual([c2016, c2017, c2017 - c2016]);
  });

  it('gives fires by ward through disclosure control, top wards first, a ward of 3 fires suppressed with a partner', async () => {
    const { body } = await get('/deliberate-fires?from=2017&to=2017&by=ward');
    expect(body.columns).toEqual(['Primary (F1)', 'Secondary (F3)', 'Total']);
    expect(body.rows.map((r: any) => [r.label, ...r.cells])).toEqual([
      // Manor House's 3 is suppressed; the Secondary total is shown, so Rossmere's 25 goes too, and so on until no line has a lone [c]
      ['Victoria', '[c]', '[c]', 40],
      ['Rossmere', '[c]', '[c]', 35],
      ['Manor House', 0, '[c]', '[c]'],
      ['Total', 25, 60, 80],
    ]);

    const res = await fetch(`${hub.base}/api/analytics/indicators/deliberate-fires?from=2017&to=2017&by=month&format=csv`, { headers: analyst });
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('Month,Primary (F1),Secondary (F3),Total,Economic cost (GBP)');
    // June's 3 takes May's 25 with it, then May's 11, April's 12 and 30: a month with a hidden count hides its cost too
    expect(lines.slice(4, 7)).toEqual(['2017-04,[c],[c],40,[c]', '2017-05,[c],[c],35,[c]', '2017-06,0,[c],[c],[c]']);
    // the year's cost from the unrounded counts (26 building and vehicle fires, 55 others), to the nearest £1,000
    const { perFire } = config.fireEconomicCost;
    expect(lines[13]).toBe(`Total,25,60,80,${Math.round((26 * perFire['buildings-and-vehicles'] + 55 * perFire.other) / 1000) * 1000}`);
  });

  it('gives CSV: header row, the same rows, an attachment named for the query', async () => {
    const res = await fetch(`${hub.base}/api/analytics/indicators/recorded-crime?from=2016&to=2017&format=csv`, { headers: analyst });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="recorded-crime-hartlepool-2016-2017.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('Measure,2016,2017,Change,% change');
    expect(lines[1]).toBe('Total recorded crime,17,19,2,11.8');
    expect(lines).toContain('Acquisitive Crime,10,13,3,30');
    expect(lines).toContain('Criminal Damage and Arson,0,2,2,');
    expect(lines).toHaveLength(29); // header, 27 rows, the final CRLF
  });

  it('gives DA repeat victims by sex, one victim per subject', async () => {
    const { body } = await get('/da-repeat-victims?from=2017&to=2017');
    expect(row(body, 'incidents')).toEqual([6]);
    expect(row(body, 'victims')).toEqual([4]);
    expect(row(body, 'repeat-victims')).toEqual([2]);
    expect(row(body, 'victims-female')).toEqual([3]);
    expect(row(body, 'repeat-victims-female')).toEqual([2]); // V-A, and V-D under two police refs
    expect(row(body, 'repeat-share-female')).toEqual([66.7]);
    expect(row(body, 'repeat-share-male')).toEqual([0]);
    expect(row(body, 'victims-unknown')).toEqual([0]);
  });

  it('gives children in custody, first-time entrants, treatment and MARAC per year', async () => {
    const custody = (await get('/children-in-custody?from=2017&to=2017')).body;
    expect(row(custody, 'children-in-custody')).toEqual([3]);
    expect(row(custody, 'held-12-hours')).toEqual([2]);
    const byMonth = (await get('/children-in-custody?from=2017&to=2017&by=month')).body;
    expect(row(byMonth, '2017-03')).toEqual(['[c]', '[c]', '[c]']);

    const fte = (await get('/first-time-entrants?from=2017&to=2017')).body;
    expect(row(fte, 'first-time-entrants')).toEqual([4]);
    expect(row(fte, 'per-100000-aged-10-17')).toEqual([Math.round((4 / config.populations.hartlepool!.aged10to17[2017]) * 1_000_000) / 10]);
    expect((await get('/first-time-entrants?area=redcar-and-cleveland&from=2017&to=2017')).body.notes[0]).toMatch(/south-tees serves middlesbrough and redcar-and-cleveland/);

    const treatment = (await get('/treatment?from=2016&to=2017')).body;
    expect(row(treatment, 'referrals')).toEqual([2, 0, -2, -100]);
    expect(row(treatment, 'episodes-started')).toEqual([1, 1, 0, 0]);
    expect(row(treatment, 'in-treatment')).toEqual([2, 1, -1, -50]);
    expect(row(treatment, 'successful-completions')).toEqual([1, 0, -1, -100]);
    expect(row(treatment, 'planned-exit-share')).toEqual([50, null, null, null]);

    const marac = (await get('/marac?from=2016&to=2017')).body;
    expect(row(marac, 'cases-heard')).toEqual([0, 0, 0, null]);
    expect(marac.notes[0]).toMatch(/north group hears hartlepool and stockton-on-tees/);
  });

  it('refuses a bad query naming every bad field, an unknown indicator, and anyone but an analyst', async () => {
    const bad = await get('/recorded-crime?area=durham&from=16&by=week&format=xml');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: any) => f.path).sort()).toEqual(['area', 'by', 'format', 'from']);
    expect((await get('/marac?by=ward')).body.fields).toEqual([{ path: 'by', reason: 'marac is given by year' }]);
    expect((await get('/recorded-crime?from=2017&to=2016')).body.fields).toEqual([{ path: 'from', reason: 'must not be after to' }]);
    expect((await get('/burglary-rates')).status).toBe(404);
    expect((await get('/recorded-crime', await hub.as('police-officer', PURPOSE))).status).toBe(403);
    expect((await get('/recorded-crime', await hub.as('analyst', 'marac.risk-management'))).status).toBe(403);
  });

  it('audits each call: who, which indicator, the query', async () => {
    await fetch(`${hub.base}/api/analytics/indicators/asb?from=2016&to=2017&by=ward&format=csv`, { headers: analyst });
    const rows = await query<{ decision: string; reason: string; subject_id: string | null }>(
      hub.db.url,
      `SELECT decision, reason, subject_id FROM hub.audit_log WHERE actor = 'analyst' AND action = 'analytics.indicator.asb' ORDER BY id`,
    );
    expect(rows[rows.length - 1]).toEqual({ decision: 'allowed', reason: 'hartlepool 2016-2017 by ward csv', subject_id: null });
  });
});
