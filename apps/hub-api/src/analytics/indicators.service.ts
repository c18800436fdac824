import { basename } from 'node:path';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DisclosurePolicy, Level } from '../../../../libs/analytics/src';
import {
  ASB_CATEGORIES, districtsIn, FIRST_TIME_ENTRANT_OUTCOMES, HOME_OFFICE_CATEGORIES, LOCAL_AUTHORITIES, LocalAuthority, MARAC_GROUP_OF, YJS_TEAM_OF, zonedTime,
} from '../../../../libs/contracts/src';
import { REVIEW_THRESHOLD_HOURS, ukIso } from '../custody/children-in-custody.report';
import { MaracIndicatorsService } from '../marac/marac-indicators';
import { AnalyticsConfig, loadAnalyticsConfig, Population } from './analytics-config';
import {
  Cell, CRIME_MAIN_GROUPS, CRIME_TREE, findNode, leavesOf, percent, protectedTable, rate, round, Table, TableRow, treeRows, withChange, yearColumns,
} from './indicator-tables';

export const BREAKDOWNS = ['year', 'ward', 'month'] as const;
export type By = (typeof BREAKDOWNS)[number];

export interface IndicatorQuery {
  area: LocalAuthority;
  from: number;
  to: number;
  by: By;
}

export interface IndicatorResult {
  indicator: string;
  title: string;
  area: LocalAuthority;
  from: number;
  to: number;
  by: By;
  level: Level;
  columns: string[];
  rows: TableRow[];
  notes: string[];
  disclosure: DisclosurePolicy & { applied: boolean };
  generatedAt: string;
}

/** A query with its period as instants: UK midnight on 1 January of `from` to that of the year after `to`. */
interface Ctx extends IndicatorQuery {
  start: Date;
  end: Date;
  years: number[];
  level: Level;
  now: Date;
}

interface Built extends Table {
  notes: string[];
}

interface Indicator {
  name: string;
  title: string;
  definition: string;
  breakdowns: By[];
}

export const INDICATORS: Indicator[] = [
  {
    name: 'recorded-crime', title: 'Recorded crime by Home Office category', breakdowns: ['year', 'ward', 'month'],
    definition: 'Police recorded crimes by the year they were recorded, by Home Office category; subtotals summed from the categories (pack-2018 structure).',
  },
  {
    name: 'asb', title: 'Police anti-social behaviour incidents', breakdowns: ['year', 'ward', 'month'],
    definition: 'Police ASB incidents (personal, nuisance, environmental) by the year they occurred, with the rate per 1,000 population; landlord ASB reports shown apart.',
  },
  {
    name: 'deliberate-fires', title: 'Deliberate fires', breakdowns: ['year', 'ward', 'month'],
    definition: 'Deliberate primary (F1) and secondary (F3) fires the fire brigade recorded, by the year they occurred, with an estimated economic cost.',
  },
  {
    name: 'marac', title: 'MARAC cases heard', breakdowns: ['year'],
    definition: 'SafeLives MARAC figures per calendar year for the MARAC group hearing the area: cases heard, repeats, cases per 10,000 adult women, non-police referrals.',
  },
  {
    name: 'da-repeat-victims', title: 'Domestic abuse incidents and repeat victims', breakdowns: ['year'],
    definition: 'Police domestic abuse incidents by year; victims (one per hub subject) and repeat victims (2 or more incidents in the year), by victim sex.',
  },
  {
    name: 'children-in-custody', title: 'Children in custody', breakdowns: ['year', 'month'],
    definition: `Custody episodes of children whose home youth justice service serves the area, by the year custody began; those held ${REVIEW_THRESHOLD_HOURS} hours or more.`,
  },
  {
    name: 'first-time-entrants', title: 'First-time entrants to the youth justice system', breakdowns: ['year', 'month'],
    definition: 'Children receiving a first youth caution, youth conditional caution or court disposal, by the youth justice service serving the area; rate per 100,000 aged 10 to 17.',
  },
  {
    name: 'treatment', title: 'Drug and alcohol treatment', breakdowns: ['year'],
    definition: 'Referrals, episodes started, numbers in treatment (episodes open at any time in the year), successful completions (planned exits) and the planned share of exits.',
  },
];

const UK_YEAR = `to_char(f.occurred_at AT TIME ZONE 'Europe/London', 'YYYY')`;
const BUCKET: Record<By, string> = {
  year: UK_YEAR,
  month: `to_char(f.occurred_at AT TIME ZONE 'Europe/London', 'YYYY-MM')`,
  ward: `coalesce(f.ward, '')`,
};
const NO_WARD = '(ward not recorded)';
const BELOW_PARTNERSHIP_NOTE = (p: DisclosurePolicy) =>
  `Below partnership level: counts from 1 to ${p.suppressBelow - 1} are shown as [c], others rounded to the nearest ${p.roundTo}, and a further cell is suppressed wherever a total would give one back; totals are rounded on their own, so they may not equal the sum of the rounded cells.`;
const PERCENT_NOTE = '% change is the change from the first year to the last as a percentage of the first, to one decimal place (pack-2018 prints crime and ASB to whole percents, fires to one decimal).';

/** Where facts count: by place (outward postcode, else ward) or by youth justice team; `sql(alias, n)` uses parameters $n onwards. */
interface Area {
  sql: (alias: string, n: number) => string;
  params: unknown[];
  notes: string[];
}

type Counts = Map<string, Map<string, number>>;
const get = (c: Counts, bucket: string, split: string) => c.get(bucket)?.get(split) ?? 0;
const sumOf = (c: Counts, bucket: string) => [...(c.get(bucket)?.values() ?? [])].reduce((a, b) => a + b, 0);
const authoritiesOfTeam = (area: LocalAuthority) => (Object.keys(YJS_TEAM_OF) as LocalAuthority[]).filter((a) => YJS_TEAM_OF[a] === YJS_TEAM_OF[area]);

/** The partnership's indicators from consolidation's analytics facts (and its custody and MARAC tables): counts only, about no one. */
@Injectable()
export class IndicatorsService {
  readonly config: AnalyticsConfig;

  constructor(
    private readonly dataSource: DataSource,
    private readonly marac: MaracIndicatorsService,
  ) {
    this.config = loadAnalyticsConfig();
  }

  find(name: string): Indicator | undefined {
    return INDICATORS.find((i) => i.name === name);
  }

  async compute(name: string, q: IndicatorQuery, now = new Date()): Promise<IndicatorResult> {
    const indicator = this.find(name)!;
    const level: Level = q.by === 'year' ? 'partnership' : 'below-partnership';
    const built = await this.build(name, {
      ...q, start: zonedTime(`${q.from}-01-01`, '00:00'), end: zonedTime(`${q.to + 1}-01-01`, '00:00'), level, now, years: Array.from({ length: q.to - q.from + 1 }, (_, i) => q.from + i),
    });
    const policy = this.config.disclosure;
    return {
      indicator: name, title: indicator.title, area: q.area, from: q.from, to: q.to, by: q.by, level, columns: built.columns, rows: built.rows,
      notes: [...built.notes, ...(level === 'below-partnership' ? [BELOW_PARTNERSHIP_NOTE(policy)] : [])],
      disclosure: { ...policy, applied: level === 'below-partnership' },
      generatedAt: ukIso(now),
    };
  }

  private build(name: string, c: Ctx): Promise<Built> {
    switch (name) {
      case 'recorded-crime': return this.recordedCrime(c);
      case 'asb': return this.asb(c);
      case 'deliberate-fires': return this.deliberateFires(c);
      case 'marac': return this.maracFigures(c);
      case 'da-repeat-victims': return this.daRepeatVictims(c);
      case 'children-in-custody': return this.childrenInCustody(c);
      case 'first-time-entrants': return this.firstTimeEntrants(c);
      default: return this.treatment(c);
    }
  }

  // ----------------------------------------------------------------------------------------
  // the indicators

  private async recordedCrime(c: Ctx): Promise<Built> {
    const area = this.placeArea(c);
    const counts = await this.count(c, 'police', 'crime', area);
    const notes = [
      ...area.notes,
      'Subtotals are summed from the Home Office categories, never taken from a printed figure: pack-2018 printed acquisitive crime as 3,903 (2016) and 5,549 (2017) where its parts add to 3,951 and 5,520 (its victim-based totals, 7,862 and 9,688, do add up).',
      'The definition of residential burglary changed in April 2017 (Home Office Counting Rules): residential and business burglary before and after are not like for like.',
      ...this.uncounted(counts, HOME_OFFICE_CATEGORIES, 'crimes'),
    ];
    if (c.by === 'year') {
      return { columns: yearColumns(c.years), rows: treeRows(CRIME_TREE, (k) => c.years.map((y) => get(counts, String(y), k)), (v) => withChange(v)), notes: [...notes, PERCENT_NOTE] };
    }
    const groups = CRIME_MAIN_GROUPS.map((k) => findNode(CRIME_TREE, k)!);
    return { ...this.protected(c, counts, groups.map((g) => g.label), (b) => groups.map((g) => leavesOf(g).reduce((n, leaf) => n + get(counts, b, leaf), 0))), notes };
  }

  private async asb(c: Ctx): Promise<Built> {
    const area = this.placeArea(c);
    const counts = await this.count(c, 'police', 'asb-incident', area);
    const notes = [...area.notes, ...this.uncounted(counts, ASB_CATEGORIES, 'ASB incidents')];
    const labels = { personal: 'Personal', nuisance: 'Nuisance', environmental: 'Environmental' };
    if (c.by !== 'year') {
      const table = this.protected(c, counts, ASB_CATEGORIES.map((k) => labels[k]), (b) => ASB_CATEGORIES.map((k) => get(counts, b, k)));
      return { ...table, notes: [...notes, 'Police incidents only: landlord ASB reports are not in this table.'] };
    }
    const landlord = await this.count(c, 'housing', 'asb-report', area);
    const byYear = (f: (y: string) => number) => c.years.map((y) => f(String(y)));
    const totals = byYear((y) => ASB_CATEGORIES.reduce((n, k) => n + get(counts, y, k), 0));
    const { values: rates, notes: missing } = this.rates(c, totals, this.config.populations[c.area]?.all, [c.area], 1000, 'all');
    return {
      columns: yearColumns(c.years),
      rows: [
        ...ASB_CATEGORIES.map((k): TableRow => ({ key: k, label: labels[k], level: 'leaf', cells: withChange(byYear((y) => get(counts, y, k))) })),
        { key: 'total', label: 'Total', level: 'total', cells: withChange(totals) },
        { key: 'per-1000', label: 'per 1,000 population', cells: withChange(rates, 1) },
        { key: 'landlord-reports', label: 'Landlord ASB reports (housing)', cells: withChange(byYear((y) => sumOf(landlord, y))) },
      ],
      notes: [
        ...notes, ...missing, PERCENT_NOTE,
        'Landlord ASB reports are a housing provider’s own reports, often of the same behaviour the police recorded: shown apart, not in the police total.',
      ],
    };
  }

  private async deliberateFires(c: Ctx): Promise<Built> {
    const area = this.placeArea(c);
    // one query gives both splits: the category (F1/F3) and the property type (the cost group)
    const raw = await this.count(c, 'fire', 'deliberate-fire', area, `coalesce(f.category, '') || ' ' || coalesce(f.fields->>'propertyType', '')`);
    const counts: Counts = new Map();
    const cost = new Map<string, number>();
    let uncosted = 0;
    const { perFire, groupOf, currency } = this.config.fireEconomicCost;
    for (const [bucket, splits] of raw) {
      for (const [split, n] of splits) {
        const [category, propertyType] = split.split(' ');
        const m = counts.get(bucket) ?? counts.set(bucket, new Map()).get(bucket)!;
        m.set(category, (m.get(category) ?? 0) + n);
        if (category !== 'primary' && category !== 'secondary') continue; // not counted, so not costed
        const group = groupOf[propertyType as keyof typeof groupOf];
        if (group) cost.set(bucket, (cost.get(bucket) ?? 0) + n * perFire[group]);
        else uncosted += n;
      }
    }
    const notes = [
      ...area.notes, ...this.uncounted(counts, ['primary', 'secondary'], 'fires'),
      `Economic cost: ILLUSTRATIVE unit costs per fire from configuration (${Object.entries(perFire).map(([g, v]) => `${g} ${currency} ${v}`).join(', ')}), not the brigade's estimates (${basename(this.config.file)}).`,
      ...(uncosted ? [`${uncosted} fire(s) with no known property type have no cost.`] : []),
    ];
    const columns = ['Primary (F1)', 'Secondary (F3)'];
    const split = (b: string) => [get(counts, b, 'primary'), get(counts, b, 'secondary')];
    if (c.by === 'year') {
      const byYear = (f: (y: string) => number) => withChange(c.years.map((y) => f(String(y))));
      return {
        columns: yearColumns(c.years),
        rows: [
          { key: 'primary', label: 'Primary Fires (F1)', level: 'leaf', cells: byYear((y) => split(y)[0]) },
          { key: 'secondary', label: 'Secondary Fires (F3)', level: 'leaf', cells: byYear((y) => split(y)[1]) },
          { key: 'total', label: 'Total Deliberate Fires', level: 'total', cells: byYear((y) => split(y)[0] + split(y)[1]) },
          { key: 'economic-cost', label: `Economic cost (${currency}, illustrative unit costs)`, cells: byYear((y) => cost.get(y) ?? 0) },
        ],
        notes: [...notes, PERCENT_NOTE],
      };
    }
    const table = this.protected(c, counts, columns, split);
    if (c.by === 'ward') {
      // the pack-2023 "top wards": by the total as shown (suppressed last), so the order gives no hidden count away
      const [wards, total] = [table.rows.slice(0, -1), table.rows[table.rows.length - 1]];
      const shownTotal = (r: TableRow) => (typeof r.cells[2] === 'number' ? r.cells[2] : -1);
      return { columns: table.columns, rows: [...wards.sort((a, b) => shownTotal(b) - shownTotal(a) || a.label.localeCompare(b.label)), total], notes };
    }
    // a month whose counts are hidden has its cost hidden too: the cost would give them back
    const costCell = (row: TableRow, value: number): Cell => (row.cells.some((x) => typeof x === 'string') ? '[c]' : round(value / 1000) * 1000);
    const totalCost = [...cost.values()].reduce((a, b) => a + b, 0);
    return {
      columns: [...table.columns, `Economic cost (${currency})`],
      rows: table.rows.map((r) => ({ ...r, cells: [...r.cells, costCell(r, r.key === 'total' ? totalCost : cost.get(r.key) ?? 0)] })),
      notes: [...notes, `Below partnership level the cost is computed from the unrounded counts, then rounded to the nearest ${currency} 1,000; it is [c] wherever a count of its row is.`],
    };
  }

  private async maracFigures(c: Ctx): Promise<Built> {
    const group = MARAC_GROUP_OF[c.area];
    const perYear = await Promise.all(
      c.years.map(async (y) => (await this.marac.compute(zonedTime(`${y}-01-01`, '00:00'), zonedTime(`${y + 1}-01-01`, '00:00'), c.now)).groups.find((g) => g.group === group)!),
    );
    const row = (key: string, label: string, f: (g: (typeof perYear)[number]) => number | null, decimals = 0): TableRow => ({ key, label, cells: withChange(perYear.map(f), decimals) });
    const areas = (Object.keys(MARAC_GROUP_OF) as LocalAuthority[]).filter((a) => MARAC_GROUP_OF[a] === group);
    return {
      columns: yearColumns(c.years),
      rows: [
        row('cases-heard', 'Cases heard', (g) => g.casesHeard),
        row('repeats', 'Repeat cases', (g) => g.repeats),
        row('repeat-rate', 'Repeat rate (%)', (g) => percent(g.repeats, g.casesHeard), 1),
        row('per-10000-adult-women', 'Cases per 10,000 adult women', (g) => rate(g.casesHeard, g.adultWomen, 10_000), 1),
        row('non-police-share', 'Referred by agencies other than the police (%)', (g) => percent(g.nonPoliceReferred, g.casesHeard), 1),
      ],
      notes: [
        `MARAC figures are per MARAC group, not per authority: the ${group} group hears ${areas.join(' and ')}, so these are the same for each of them.`,
        'Cases heard: accepted and discussed at a meeting held in the UK calendar year; a year not yet over counts to today. Adult women: the MARAC groups configuration (deploy/marac/groups.yaml), the same for every year.',
        PERCENT_NOTE,
      ],
    };
  }

  private async daRepeatVictims(c: Ctx): Promise<Built> {
    const area = this.placeArea(c);
    const incidents = await this.count(c, 'police', 'domestic-incident', area);
    // one victim per current hub subject (identity resolution links one person's records); sex
    // from their agency person or the incident, unknown where none is recorded or they disagree
    const rows: { year: string; sex: string | null; victims: number; repeats: number }[] = await this.dataSource.query(
      `WITH inc AS (
         SELECT f.event_id, ${UK_YEAR} AS year, f.fields->'victim'->>'sex' AS sex
           FROM consolidation.analytics_facts f
          WHERE f.agency = 'police' AND f.kind = 'domestic-incident' AND f.occurred_at >= $1 AND f.occurred_at < $2 AND ${area.sql('f', 3)}
       ), victims AS (
         SELECT i.year, p.subject_id, count(DISTINCT i.event_id) AS incidents, count(DISTINCT coalesce(p.person->>'sex', i.sex)) AS sexes, min(coalesce(p.person->>'sex', i.sex)) AS sex
           FROM inc i
           JOIN consolidation.chronology ch ON ch.event_id = i.event_id AND ch.agency = 'police' AND ch.role = 'da-victim' AND ch.occurred_at >= $1 AND ch.occurred_at < $2
           JOIN consolidation.persons p ON p.agency = ch.agency AND p.person_ref = ch.person_ref
          GROUP BY i.year, p.subject_id
       )
       SELECT year, CASE WHEN sexes = 1 THEN sex END AS sex, count(*)::int AS victims, count(*) FILTER (WHERE incidents >= 2)::int AS repeats
         FROM victims GROUP BY 1, 2`,
      [c.start.toISOString(), c.end.toISOString(), ...area.params],
    );
    const groups = [
      { key: '', label: 'all victims', test: () => true },
      { key: '-female', label: 'female victims', test: (s: string | null) => s === 'F' },
      { key: '-male', label: 'male victims', test: (s: string | null) => s === 'M' },
      { key: '-unknown', label: 'victims of other or unrecorded sex', test: (s: string | null) => s !== 'F' && s !== 'M' },
    ];
    const of = (y: number, test: (s: string | null) => boolean, f: 'victims' | 'repeats') => rows.filter((r) => r.year === String(y) && test(r.sex)).reduce((n, r) => n + r[f], 0);
    return {
      columns: yearColumns(c.years),
      rows: [
        { key: 'incidents', label: 'DA incidents (police)', cells: withChange(c.years.map((y) => sumOf(incidents, String(y)))) },
        ...groups.flatMap((g): TableRow[] => [
          { key: `victims${g.key}`, label: `Victims: ${g.label}`, cells: withChange(c.years.map((y) => of(y, g.test, 'victims'))) },
          { key: `repeat-victims${g.key}`, label: `Repeat victims (2+ incidents in the year): ${g.label}`, cells: withChange(c.years.map((y) => of(y, g.test, 'repeats'))) },
          { key: `repeat-share${g.key}`, label: `Repeat victims (%): ${g.label}`, cells: withChange(c.years.map((y) => percent(of(y, g.test, 'repeats'), of(y, g.test, 'victims'))), 1) },
        ]),
      ],
      notes: [
        ...area.notes,
        'A victim is one hub subject, however many agency records name them; a repeat victim had 2 or more incidents in the calendar year. Published for 2017: 26% of female and 12% of male victims were repeat victims.',
        'Victims come from consolidation’s chronology, which retention empties: an incident past retention, or whose victim was erased, counts as an incident but not towards victims.',
        PERCENT_NOTE,
      ],
    };
  }

  private async childrenInCustody(c: Ctx): Promise<Built> {
    const bucket = c.by === 'month' ? `to_char(n.arrived_at AT TIME ZONE 'Europe/London', 'YYYY-MM')` : `to_char(n.arrived_at AT TIME ZONE 'Europe/London', 'YYYY')`;
    // still in custody: counted once the threshold has passed (as the monthly report)
    const rows: { bucket: string; children: number; held: number }[] = await this.dataSource.query(
      `SELECT ${bucket} AS bucket, count(*)::int AS children,
              count(*) FILTER (WHERE COALESCE(n.released_at, $3::timestamptz) - n.arrived_at >= make_interval(hours => $4))::int AS held
         FROM consolidation.custody_notifications n
        WHERE n.arrived_at >= $1 AND n.arrived_at < $2 AND n.route = 'yjs' AND n.team = ANY($5::text[])
        GROUP BY 1`,
      [c.start.toISOString(), c.end.toISOString(), c.now.toISOString(), REVIEW_THRESHOLD_HOURS, [YJS_TEAM_OF[c.area]]],
    );
    const counts: Counts = new Map(rows.map((r) => [r.bucket, new Map([['under', r.children - r.held], ['held', r.held]])]));
    const notes = [
      this.teamNote(c.area),
      'One row per custody episode: a child held twice counts twice. Children out of area or not yet placed with a youth justice service are in no area’s count.',
    ];
    if (c.by === 'month') {
      return { ...this.protected(c, counts, [`Held under ${REVIEW_THRESHOLD_HOURS} hours`, `Held ${REVIEW_THRESHOLD_HOURS} hours or more`], (b) => [get(counts, b, 'under'), get(counts, b, 'held')]), notes };
    }
    const byYear = (f: (y: string) => number) => withChange(c.years.map((y) => f(String(y))));
    return {
      columns: yearColumns(c.years),
      rows: [
        { key: 'children-in-custody', label: 'Children in custody (custody episodes)', level: 'total', cells: byYear((y) => sumOf(counts, y)) },
        { key: 'held-12-hours', label: `Held ${REVIEW_THRESHOLD_HOURS} hours or more`, cells: byYear((y) => get(counts, y, 'held')) },
      ],
      notes: [...notes, `Held ${REVIEW_THRESHOLD_HOURS} hours or more: released − arrived, or for a child still in custody, now − arrived.`, PERCENT_NOTE],
    };
  }

  private async firstTimeEntrants(c: Ctx): Promise<Built> {
    const counts = await this.count(c, 'youth-justice', 'first-time-entrant', this.teamArea(c.area));
    const labels = { 'youth-caution': 'Youth caution', 'youth-conditional-caution': 'Youth conditional caution', 'court-disposal': 'Court disposal' };
    const notes = [this.teamNote(c.area), ...this.uncounted(counts, FIRST_TIME_ENTRANT_OUTCOMES, 'first-time entrants')];
    if (c.by === 'month') return { ...this.protected(c, counts, FIRST_TIME_ENTRANT_OUTCOMES.map((k) => labels[k]), (b) => FIRST_TIME_ENTRANT_OUTCOMES.map((k) => get(counts, b, k))), notes };
    const totals = c.years.map((y) => FIRST_TIME_ENTRANT_OUTCOMES.reduce((n, k) => n + get(counts, String(y), k), 0));
    // the team's count over the population of every authority the team serves
    const served = authoritiesOfTeam(c.area);
    const population: Population = {};
    for (const y of c.years) {
      const each = served.map((a) => this.config.populations[a]?.aged10to17[y]);
      if (each.every((n) => n !== undefined)) population[y] = each.reduce((a, b) => a! + b!, 0)!;
    }
    const { values: rates, notes: missing } = this.rates(c, totals, population, served, 100_000, 'aged 10 to 17');
    return {
      columns: yearColumns(c.years),
      rows: [
        { key: 'first-time-entrants', label: 'First-time entrants', level: 'total', cells: withChange(totals) },
        { key: 'per-100000-aged-10-17', label: 'per 100,000 aged 10 to 17', cells: withChange(rates, 1) },
      ],
      notes: [...notes, ...missing, PERCENT_NOTE],
    };
  }

  private async treatment(c: Ctx): Promise<Built> {
    const area = this.placeArea(c);
    const [referrals, starts, exits] = await Promise.all(['referral', 'episode-start', 'episode-exit'].map((k) => this.count(c, 'treatment', k, area)));
    // open at any time in the year: started before it ended, not exited before it began
    const open: { year: number; n: number }[] = await this.dataSource.query(
      `WITH starts AS (
         SELECT DISTINCT ch.record_ref, ch.occurred_at
           FROM consolidation.chronology ch JOIN consolidation.analytics_facts f ON f.event_id = ch.event_id
          WHERE ch.agency = 'treatment' AND ch.kind = 'episode-start' AND ch.occurred_at < $3 AND ${area.sql('f', 4)}
       )
       SELECT y.year, count(DISTINCT s.record_ref)::int AS n
         FROM generate_series($1::int, $2::int) AS y(year)
         JOIN starts s ON s.occurred_at < make_timestamptz(y.year + 1, 1, 1, 0, 0, 0, 'Europe/London')
        WHERE NOT EXISTS (SELECT 1 FROM consolidation.chronology x
                           WHERE x.agency = 'treatment' AND x.kind = 'episode-exit' AND x.record_ref = s.record_ref
                             AND x.occurred_at < make_timestamptz(y.year, 1, 1, 0, 0, 0, 'Europe/London'))
        GROUP BY y.year`,
      [c.years[0], c.years[c.years.length - 1], c.end.toISOString(), ...area.params],
    );
    const byYear = (f: (y: string) => number | null, decimals = 0) => withChange(c.years.map((y) => f(String(y))), decimals);
    return {
      columns: yearColumns(c.years),
      rows: [
        { key: 'referrals', label: 'Referrals', cells: byYear((y) => sumOf(referrals, y)) },
        { key: 'episodes-started', label: 'Episodes started', cells: byYear((y) => sumOf(starts, y)) },
        { key: 'in-treatment', label: 'Numbers in treatment', cells: byYear((y) => open.find((o) => String(o.year) === y)?.n ?? 0) },
        { key: 'successful-completions', label: 'Successful completions (planned exits)', cells: byYear((y) => get(exits, y, 'planned')) },
        { key: 'planned-exit-share', label: 'Planned exits (% of exits)', cells: byYear((y) => percent(get(exits, y, 'planned'), sumOf(exits, y)), 1) },
      ],
      notes: [
        ...area.notes,
        'Counts only, as Crime and Disorder Act s17A allows for depersonalised data: no substances and no reasons for exit (Caldicott).',
        'Area: where the client lived (outward postcode) when the record was made. Numbers in treatment: episodes started before the year ended and not exited before it began; from consolidation’s chronology, which retention empties, so years far back undercount.',
        PERCENT_NOTE,
      ],
    };
  }

  // ----------------------------------------------------------------------------------------
  // shared pieces

  /**
   * Counts of one kind of fact in the area and period by bucket (year, ward or month) and
   * split (the fact's category unless said), grouped in PostgreSQL.
   */
  private async count(c: Ctx, agency: string, kind: string, area: Area, split = 'f.category'): Promise<Counts> {
    const rows: { bucket: string; split: string | null; n: number }[] = await this.dataSource.query(
      `SELECT ${BUCKET[c.by]} AS bucket, ${split} AS split, count(*)::int AS n
         FROM consolidation.analytics_facts f
        WHERE f.agency = $1 AND f.kind = $2 AND f.occurred_at >= $3 AND f.occurred_at < $4 AND ${area.sql('f', 5)}
        GROUP BY 1, 2`,
      [agency, kind, c.start.toISOString(), c.end.toISOString(), ...area.params],
    );
    const out: Counts = new Map();
    for (const r of rows) {
      const m = out.get(r.bucket) ?? out.set(r.bucket, new Map()).get(r.bucket)!;
      m.set(r.split ?? '', r.n);
    }
    return out;
  }

  /**
   * A fact is in the area when its outward postcode's district lies wholly in the authority;
   * when the district lies in none (TS27 ...) or is missing, when its ward is one of the
   * authority's. The districts are placed by the contracts' areas.
   */
  private placeArea(c: Ctx): Area {
    const inArea = districtsIn(c.area);
    const elsewhere = LOCAL_AUTHORITIES.filter((a) => a !== c.area).flatMap((a) => districtsIn(a));
    const wards = this.config.wards[c.area] ?? [];
    return {
      sql: (a, n) => `(upper(${a}.outward_postcode) = ANY($${n}::text[]) OR (coalesce(upper(${a}.outward_postcode), '') <> ALL($${n + 1}::text[]) AND lower(${a}.ward) = ANY($${n + 2}::text[])))`,
      params: [inArea, elsewhere, wards],
      notes: [
        `Area: records whose outward postcode lies wholly in ${c.area}, or else whose ward is one of its ${wards.length} configured wards.`,
      ],
    };
  }

  /** Youth justice facts count for the area of their team. */
  private teamArea(area: LocalAuthority): Area {
    return { sql: (a, n) => `${a}.fields->>'team' = ANY($${n}::text[])`, params: [[YJS_TEAM_OF[area]]], notes: [] };
  }

  private teamNote(area: LocalAuthority): string {
    const served = authoritiesOfTeam(area);
    return served.length > 1
      ? `Counted by youth justice service: ${YJS_TEAM_OF[area]} serves ${served.join(' and ')}, so the figures are the same for each of them.`
      : `Counted by youth justice service: ${YJS_TEAM_OF[area]}.`;
  }

  /** Yearly rates per `per` people, with a note for each year with no population configured. */
  private rates(c: Ctx, totals: number[], population: Population | undefined, areas: string[], per: number, of: string) {
    const values = c.years.map((y, i) => rate(totals[i], population?.[y], per));
    const notes = c.years.filter((y) => !population?.[y]).map((y) => `no population configured for ${areas.join(' and ')} ${y} (${of}): no rate (${basename(this.config.file)})`);
    return { values, notes };
  }

  /** A note of what was left out for having a category outside the table's. */
  private uncounted(counts: Counts, known: readonly string[], what: string): string[] {
    let n = 0;
    for (const m of counts.values()) for (const [k, v] of m) if (!known.includes(k)) n += v;
    return n ? [`${n} ${what} with no category or one outside ${known.join(', ')} are not counted.`] : [];
  }

  /** Rows by ward (with data) or month (every month of the range begun by now) × columns, through disclosure control. */
  private protected(c: Ctx, counts: Counts, columns: string[], cells: (bucket: string) => number[]): Table {
    const buckets =
      c.by === 'ward'
        ? [...counts.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
        : c.years.flatMap((y) => Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`)).filter((m) => zonedTime(`${m}-01`, '00:00') < c.now);
    const rows = buckets.map((b) => ({ key: b, label: b || NO_WARD }));
    return protectedTable(rows, columns, buckets.map(cells), c.level, this.config.disclosure);
  }
}
