import { errorSummary } from '../api.js';
import { barChart, ChartSeries, ChartValue, lineChart } from '../charts.js';
import { Child, fmt, h, replace, saveBlob, select, uid } from '../dom.js';
import { heading, link, Page, PageContext } from '../page.js';
import { subscriptionsPage } from './analyst-subscriptions.js';

const ANALYST_PURPOSE = 'analytics.depersonalised';

type By = 'year' | 'ward' | 'month';
type Cell = number | string | null;

interface Indicator {
  name: string;
  title: string;
  definition: string;
  breakdowns: By[];
}

interface Row {
  key: string;
  label: string;
  level?: 'leaf' | 'subtotal' | 'total';
  cells: Cell[];
}

interface IndicatorResult {
  indicator: string;
  title: string;
  area: string;
  from: number;
  to: number;
  by: By;
  level: 'partnership' | 'below-partnership';
  columns: string[];
  rows: Row[];
  notes: string[];
  disclosure: { suppressBelow: number; roundTo: number; applied: boolean };
  generatedAt: string;
}

interface Query {
  indicator: string;
  area: string;
  from: number;
  to: number;
  by: By;
}

const AREAS: [string, string][] = [
  ['hartlepool', 'Hartlepool'],
  ['stockton-on-tees', 'Stockton-on-Tees'],
  ['middlesbrough', 'Middlesbrough'],
  ['redcar-and-cleveland', 'Redcar and Cleveland'],
];
const areaName = (area: string) => AREAS.find(([a]) => a === area)?.[1] ?? area;

const BREAKDOWNS: [By, string, string][] = [
  ['year', 'Year', 'partnership level, shown as counted'],
  ['ward', 'Ward', 'through disclosure control'],
  ['month', 'Month', 'through disclosure control, as a time series'],
];
const ROW_HEADING: Record<By, string> = { year: 'Measure', ward: 'Ward', month: 'Month' };
/** The earliest year the hub answers for, as indicators.controller.ts. */
const FIRST_YEAR = 2000;
const MOST_YEARS = 10;
const FIRES = 'deliberate-fires';
/** the by-year chart of fires: primary beside secondary */
const PRIMARY_SECONDARY = '(primary-secondary)';
const SUPPRESSED = '[c]';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2024-03` → `Mar 2024` */
const monthLabel = (key: string) => (/^\d{4}-\d{2}$/.test(key) ? `${MONTHS[Number(key.slice(5)) - 1]} ${key.slice(0, 4)}` : key);

/** The UK calendar year now. */
const ukYear = () => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' }).format(new Date()));

/** A table cell as a chart value: a number, suppressed, or no figure. */
const chartValue = (cell: Cell | undefined): ChartValue => (typeof cell === 'number' ? cell : cell === SUPPRESSED ? 'suppressed' : null);

/** The columns of a ward or month table that are counts of a part: not the Total, not money. */
const partColumns = (r: IndicatorResult) => r.columns.map((label, index) => ({ label, index })).filter((c) => c.label !== 'Total' && !/cost/i.test(c.label));

function cellView(cell: Cell, column: string): Child {
  if (cell === SUPPRESSED) return [h('span', { 'aria-hidden': 'true' }, '[c]'), h('span', { class: 'visually-hidden' }, 'suppressed')];
  if (cell === null) return [h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'visually-hidden' }, 'no figure')];
  if (typeof cell === 'number') return column === '% change' ? `${cell > 0 ? '+' : ''}${cell.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%` : fmt.number(cell);
  return cell;
}

/**
 * The figures as a table: a caption, column headers, and each row's label as its row
 * header (so a screen reader says "Secondary Fires (F3), 2025: 45"); totals in bold.
 */
function figuresTable(caption: string, result: IndicatorResult): HTMLElement {
  const id = uid('table');
  const label = (r: Row) => (result.by === 'month' ? monthLabel(r.key === 'total' ? r.label : r.key) : r.label);
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': id, tabindex: 0 },
    h(
      'table',
      { 'data-indicator': result.indicator, 'data-by': result.by },
      h('caption', { id }, caption),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ROW_HEADING[result.by]), result.columns.map((c) => h('th', { scope: 'col', class: 'num' }, c)))),
      h(
        'tbody',
        null,
        result.rows.map((r) => {
          const total = r.level === 'total';
          const text = (child: Child) => (total ? h('strong', null, child) : child);
          return h(
            'tr',
            { 'data-key': r.key },
            h('th', { scope: 'row' }, text(r.level === 'leaf' && result.by === 'year' && result.rows.some((x) => x.level === 'subtotal') ? `\u2003${label(r)}` : label(r))),
            r.cells.map((cell, i) => h('td', { class: 'num' }, text(cellView(cell, result.columns[i])))),
          );
        }),
      ),
    ),
  );
}

/** What the chart of a result shows, for the by-year measure choice. */
function measureOptions(result: IndicatorResult): [string, string][] {
  const rows: [string, string][] = result.rows.map((r) => [r.key, r.label]);
  return result.indicator === FIRES ? [[PRIMARY_SECONDARY, 'Primary and secondary fires, side by side'], ...rows] : rows;
}

function defaultMeasure(result: IndicatorResult): string {
  if (result.indicator === FIRES) return PRIMARY_SECONDARY;
  return (result.rows.find((r) => r.level === 'total') ?? result.rows[0])?.key ?? '';
}

/** The chart of a result: bars by year, a line by month, bars by ward. */
function chartOf(result: IndicatorResult, measure: string): HTMLElement {
  const place = `${areaName(result.area)}, ${result.from === result.to ? result.from : `${result.from} to ${result.to}`}`;
  const caption = (what: string) => `Chart: ${what}. The figures are in the table below the chart.`;

  if (result.by === 'year') {
    const years = result.columns.map((label, index) => ({ label, index })).filter((c) => /^\d{4}$/.test(c.label));
    const rows = measure === PRIMARY_SECONDARY ? result.rows.filter((r) => r.key === 'primary' || r.key === 'secondary') : result.rows.filter((r) => r.key === measure);
    const series: ChartSeries[] = rows.map((r) => ({ name: r.label, values: years.map((y) => chartValue(r.cells[y.index])) }));
    const what = measure === PRIMARY_SECONDARY ? 'primary and secondary deliberate fires' : rows[0]?.label ?? 'no measure';
    const title = `${result.title} in ${place}: ${what} by year`;
    return barChart({ title, caption: caption(`${what} by year, ${place}, as bars`), categories: years.map((y) => y.label), series, valueLabel: measure === PRIMARY_SECONDARY ? 'Fires' : what.length < 50 ? what : undefined });
  }

  const rows = result.rows.filter((r) => r.key !== 'total');
  const parts = partColumns(result);
  const series: ChartSeries[] = parts.map((c) => ({ name: c.label, values: rows.map((r) => chartValue(r.cells[c.index])) }));
  const what = parts.map((c) => c.label).join(' and ');
  if (result.by === 'month') {
    const many = rows.length > 12;
    return lineChart({
      title: `${result.title} in ${place}: ${what} by month`,
      caption: caption(`${result.title.toLowerCase()} by month, ${place}, one line for each of ${what}`),
      categories: rows.map((r) => monthLabel(r.key)),
      series,
      valueLabel: 'Count a month',
      tick: (_category, i) => {
        const key = rows[i].key;
        const month = Number(key.slice(5));
        if (many && (month - 1) % 3 !== 0) return null;
        return month === 1 || i === 0 ? [MONTHS[month - 1], key.slice(0, 4)] : [MONTHS[month - 1]];
      },
    });
  }
  return barChart({
    title: `${result.title} in ${place}: ${what} by ward`,
    caption: caption(`${result.title.toLowerCase()} by ward, ${place}, ${what} side by side, largest shown total first`),
    categories: rows.map((r) => r.label),
    series,
    orientation: 'horizontal',
    valueLabel: 'Count in the period',
  });
}

const queryString = (q: Query, format?: string) =>
  new URLSearchParams({ area: q.area, from: String(q.from), to: String(q.to), by: q.by, ...(format ? { format } : {}) }).toString();

/**
 * The analyst's indicator dashboard: choose the indicator, area, years and breakdown; see
 * the table the hub computes with a chart of it (bars by year, a time series by month, bars
 * by ward; deliberate fires primary beside secondary), and download the same table as CSV.
 * Below partnership level the hub has applied disclosure control: suppressed figures are
 * [c] in the table and gaps in the chart.
 */
async function renderDashboard(ctx: PageContext): Promise<Node> {
  const indicators = await ctx.api.get<Indicator[]>('/api/analytics/indicators', ANALYST_PURPOSE);
  const thisYear = ukYear();
  const yearParam = (name: string, fallback: number) => {
    const v = Number(ctx.query.get(name));
    return Number.isInteger(v) && v >= FIRST_YEAR && v <= thisYear ? v : fallback;
  };
  const wanted = ctx.query.get('indicator');
  const initial: Query = {
    indicator: indicators.some((i) => i.name === wanted) ? wanted! : indicators[0]?.name ?? FIRES,
    area: AREAS.some(([a]) => a === ctx.query.get('area')) ? ctx.query.get('area')! : 'hartlepool',
    // last year and this year so far: what has just come in shows at once
    from: yearParam('from', thisYear - 1),
    to: yearParam('to', thisYear),
    by: (['year', 'ward', 'month'] as By[]).find((b) => b === ctx.query.get('by')) ?? 'year',
  };

  // ---- the controls
  const years: [string, string][] = Array.from({ length: thisYear - FIRST_YEAR + 1 }, (_, i) => String(thisYear - i)).map((y) => [y, y]);
  const indicatorSelect = select('indicator', indicators.map((i) => [i.name, i.title]), initial.indicator);
  indicatorSelect.id = 'indicator';
  const areaSelect = select('area', AREAS, initial.area);
  areaSelect.id = 'area';
  const fromSelect = select('from', years, String(initial.from));
  fromSelect.id = 'from-year';
  const toSelect = select('to', years, String(initial.to));
  toSelect.id = 'to-year';
  const definition = h('p', { id: 'indicator-definition', class: 'hint' });
  indicatorSelect.setAttribute('aria-describedby', definition.id);
  const byHint = h('span', { class: 'hint', id: uid('hint') });
  const radios = BREAKDOWNS.map(([value, label, hint]) => {
    const input = h('input', { type: 'radio', name: 'by', value, id: `by-${value}`, checked: value === initial.by });
    return { value, input, item: h('div', { class: 'choice' }, input, h('label', { for: input.id }, label, h('span', { class: 'muted' }, ` (${hint})`))) };
  });
  const byFieldset = h('fieldset', { 'aria-describedby': byHint.id }, h('legend', null, 'Break down by'), byHint, radios.map((r) => r.item));

  const syncIndicator = () => {
    const chosen = indicators.find((i) => i.name === indicatorSelect.value);
    definition.textContent = chosen?.definition ?? '';
    for (const r of radios) r.input.disabled = !chosen?.breakdowns.includes(r.value);
    if (radios.some((r) => r.input.checked && r.input.disabled)) radios[0].input.checked = true;
    byHint.textContent =
      chosen && chosen.breakdowns.length < BREAKDOWNS.length
        ? `${chosen.title} is given by ${chosen.breakdowns.join(' and ')} only.`
        : 'By ward and by month are below partnership level: small counts are suppressed and the rest rounded to 5.';
  };
  indicatorSelect.addEventListener('change', syncIndicator);
  syncIndicator();

  // ---- where the figures go
  const problems = h('div');
  const results = h('div', { id: 'figures' });
  let ticket = 0;

  const chosenQuery = (): Query => ({
    indicator: indicatorSelect.value,
    area: areaSelect.value,
    from: Number(fromSelect.value),
    to: Number(toSelect.value),
    by: (radios.find((r) => r.input.checked)?.value ?? 'year') as By,
  });

  const show = (query: Query, result: IndicatorResult) => {
    const place = `${areaName(result.area)}, ${result.from === result.to ? result.from : `${result.from} to ${result.to}`}`;
    const caption = `${result.title} in ${place}, by ${result.by}`;
    const chartSlot = h('div');
    let measureControl: Child = null;
    const draw = (measure: string) => replace(chartSlot, chartOf(result, measure));
    if (result.by === 'year') {
      const measure = select('measure', measureOptions(result), defaultMeasure(result));
      measure.id = 'chart-measure';
      measure.addEventListener('change', () => draw(measure.value));
      measureControl = h('div', { class: 'field' }, h('label', { for: measure.id }, 'Measure in the chart'), measure);
      draw(measure.value);
    } else draw('');

    const csv = h('button', { type: 'button', class: 'secondary', onclick: () => void download(query) }, 'Download these figures (CSV)');
    replace(
      results,
      h('h2', { id: 'figures-heading', tabindex: -1 }, caption),
      h(
        'p',
        null,
        result.level === 'partnership'
          ? 'Partnership level: the figures are shown as counted.'
          : `Below partnership level: disclosure control is applied. Counts from 1 to ${result.disclosure.suppressBelow - 1} are shown as [c], the others rounded to the nearest ${result.disclosure.roundTo}.`,
      ),
      measureControl,
      chartSlot,
      figuresTable(caption, result),
      csv,
      h('h3', null, 'Notes'),
      h('ul', { class: 'notes' }, result.notes.map((n) => h('li', null, n))),
      h('p', { class: 'muted' }, `Computed ${fmt.dateTime(result.generatedAt)}.`),
    );
  };

  const load = async (query: Query, moveFocus: boolean) => {
    const mine = ++ticket;
    results.setAttribute('aria-busy', 'true');
    try {
      const result = await ctx.api.get<IndicatorResult>(`/api/analytics/indicators/${encodeURIComponent(query.indicator)}?${queryString(query)}`, ANALYST_PURPOSE);
      if (mine !== ticket) return;
      problems.replaceChildren();
      show(query, result);
      history.replaceState(null, '', `#/analyst?${new URLSearchParams({ indicator: query.indicator, ...Object.fromEntries(new URLSearchParams(queryString(query))) })}`);
      if (moveFocus) results.querySelector<HTMLElement>('#figures-heading')?.focus();
      ctx.announce(`${result.title}, ${areaName(result.area)}, by ${result.by}: table and chart shown.`);
    } catch (error) {
      if (mine !== ticket) return;
      const summary = errorSummary(error);
      problems.replaceChildren(summary);
      if (moveFocus) summary.focus();
    } finally {
      if (mine === ticket) results.removeAttribute('aria-busy');
    }
  };

  const download = async (query: Query) => {
    try {
      const blob = await ctx.api.blob(`/api/analytics/indicators/${encodeURIComponent(query.indicator)}?${queryString(query, 'csv')}`, ANALYST_PURPOSE);
      saveBlob(blob, `${query.indicator}-${query.area}-${query.from}-${query.to}-by-${query.by}.csv`);
      ctx.announce('The CSV file is downloaded.');
    } catch (error) {
      const summary = errorSummary(error);
      problems.replaceChildren(summary);
      summary.focus();
    }
  };

  const form = h(
    'form',
    {
      'aria-labelledby': 'choose-heading',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        void load(chosenQuery(), true);
      },
    },
    h('h2', { id: 'choose-heading' }, 'Choose the figures'),
    h('div', { class: 'field' }, h('label', { for: indicatorSelect.id }, 'Indicator'), definition, indicatorSelect),
    h(
      'div',
      { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: areaSelect.id }, 'Area'), areaSelect),
      h('div', { class: 'field' }, h('label', { for: fromSelect.id }, 'From year'), fromSelect),
      h('div', { class: 'field' }, h('label', { for: toSelect.id }, 'To year'), toSelect),
    ),
    h('p', { class: 'hint' }, `UK calendar years, at most ${MOST_YEARS} in one table.`),
    byFieldset,
    h('button', { type: 'submit' }, 'Show figures'),
  );

  await load(initial, false);
  return h(
    'div',
    null,
    heading(
      'Indicators',
      ANALYST_PURPOSE,
      'The partnership’s indicators, counted from depersonalised records: by year as the meeting packs publish them, or by ward and month through disclosure control.',
    ),
    h('p', null, 'To receive the records themselves, depersonalised, as they arrive: ', link('/analyst/subscriptions', 'feed subscriptions'), '.'),
    problems,
    form,
    results,
  );
}

export const dashboardPage: Page = {
  path: '/analyst',
  title: 'Indicators',
  nav: 'Indicators',
  roles: ['analyst'],
  purpose: ANALYST_PURPOSE,
  render: renderDashboard,
};

export const analystPages: Page[] = [dashboardPage, subscriptionsPage];
