/**
 * Charts as plain SVG, built node by node with createElementNS (never innerHTML, no library).
 * Each chart is a <figure>: a caption, an SVG with role="img" named by its <title>, a legend
 * in text, and a note when some figures are suppressed. The numbers themselves are in the
 * table the page shows beside the chart (the caption says so), so nothing is only in a picture.
 *
 * Suppressed figures (`[c]` under disclosure control) are gaps marked `[c]`, never zero.
 * Series differ by more than colour: bars by fill pattern, lines by dash and marker shape,
 * and every series is named in the legend. Colours are 3:1 or more against white.
 *
 * The maths at the top (scales, runs, styles) touches no DOM, so it can be tested in Node.
 */

/** A figure to plot: a number, suppressed (`[c]`), or no figure at all (null). */
export type ChartValue = number | 'suppressed' | null;

export interface ChartSeries {
  name: string;
  values: ChartValue[];
}

export interface ChartSpec {
  /** the chart's accessible name, also shown inside the SVG */
  title: string;
  /** the figure caption under which the chart is shown */
  caption: string;
  /** what is along the category axis (years, wards, months), display labels */
  categories: string[];
  series: ChartSeries[];
  /** what the numbers count, for the value axis: "Fires" */
  valueLabel?: string;
  format?: (n: number) => string;
}

export interface LineChartSpec extends ChartSpec {
  /** the lines of the tick label under category i, or null for no label (a long time series labels every third month) */
  tick?: (category: string, index: number) => string[] | null;
}

// ------------------------------------------------------------------------------------------
// the maths (no DOM)

/** Colours 3:1 or more against white: GOV.UK blue, red, green, purple, dark grey, pink, black. */
export const SERIES_COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#505a5f', '#912b88', '#0b0c0c'];
export const BAR_PATTERNS = ['solid', 'diagonal', 'dots', 'cross', 'vertical'] as const;
export type BarPattern = (typeof BAR_PATTERNS)[number];
export const LINE_DASHES = ['', '9 4', '3 3', '12 4 3 4', '2 6'];
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
export type Marker = (typeof MARKERS)[number];

/** How series i is drawn: colour, and what tells it apart without colour. */
export function seriesStyle(i: number): { colour: string; pattern: BarPattern; dash: string; marker: Marker } {
  return {
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
    pattern: BAR_PATTERNS[i % BAR_PATTERNS.length],
    dash: LINE_DASHES[i % LINE_DASHES.length],
    marker: MARKERS[i % MARKERS.length],
  };
}

/**
 * A value axis from 0 to a round number at or above `max`, in steps of 1, 2 or 5 × 10^n,
 * with about `target` steps. `max` 0 or less gives 0 to 1.
 */
export function niceScale(max: number, target = 5): { max: number; step: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, step: 1, ticks: [0, 1] };
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  // counts never need a fractional step below 1
  const whole = max >= 1 && step < 1 ? 1 : step;
  const top = Math.ceil(max / whole - 1e-9) * whole;
  const ticks: number[] = [];
  for (let v = 0; v <= top + whole / 2; v += whole) ticks.push(Number(v.toPrecision(12)));
  return { max: top, step: whole, ticks };
}

/** The largest number among the series (0 with none). */
export const maxValue = (series: ChartSeries[]) => Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => typeof v === 'number')));

/** How many figures are suppressed, and how many are plotted. */
export function tally(series: ChartSeries[]): { suppressed: number; plotted: number; missing: number } {
  const all = series.flatMap((s) => s.values);
  return {
    suppressed: all.filter((v) => v === 'suppressed').length,
    plotted: all.filter((v) => typeof v === 'number').length,
    missing: all.filter((v) => v === null).length,
  };
}

/** The runs of consecutive plotted values (index lists): a line is drawn along each, broken at every gap. */
export function runs(values: ChartValue[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  values.forEach((v, i) => {
    if (typeof v === 'number') current.push(i);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  });
  if (current.length) out.push(current);
  return out;
}

/** A rough width of a label in px at a font size (proportional fonts average ~0.55 em). */
export const textWidth = (text: string, fontSize = 13) => Math.ceil(text.length * fontSize * 0.56);

/** The SVG path of a marker centred on (x, y). */
export function markerPath(marker: Marker, x: number, y: number, r = 4.5): string {
  const f = (n: number) => Number(n.toFixed(2));
  switch (marker) {
    case 'circle':
      return `M${f(x - r)},${f(y)}a${r},${r} 0 1,0 ${f(2 * r)},0a${r},${r} 0 1,0 ${f(-2 * r)},0Z`;
    case 'square':
      return `M${f(x - r)},${f(y - r)}h${f(2 * r)}v${f(2 * r)}h${f(-2 * r)}Z`;
    case 'triangle':
      return `M${f(x)},${f(y - r * 1.2)}L${f(x + r * 1.15)},${f(y + r * 0.9)}L${f(x - r * 1.15)},${f(y + r * 0.9)}Z`;
    case 'diamond':
      return `M${f(x)},${f(y - r * 1.3)}L${f(x + r * 1.3)},${f(y)}L${f(x)},${f(y + r * 1.3)}L${f(x - r * 1.3)},${f(y)}Z`;
    default:
      return `M${f(x - r)},${f(y - r)}L${f(x + r)},${f(y + r)}M${f(x + r)},${f(y - r)}L${f(x - r)},${f(y + r)}`;
  }
}

// ------------------------------------------------------------------------------------------
// SVG building

const SVG = 'http://www.w3.org/2000/svg';
const TEXT = '#0b0c0c';
const MUTED = '#505a5f';
const GRID = '#b1b4b6';
const FONT = 13;

type SvgAttrs = Record<string, string | number | null | undefined>;

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: SvgAttrs = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  for (const child of children) element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

let charts = 0;
const fmtDefault = (n: number) => n.toLocaleString('en-GB');

/** The patterns series fill their bars with, one per series, ids unique to this chart. */
function patternDefs(prefix: string, count: number): { defs: SVGDefsElement; fill: (i: number) => string } {
  const defs = s('defs');
  for (let i = 0; i < count; i++) {
    const { colour, pattern } = seriesStyle(i);
    if (pattern === 'solid') continue;
    const p = s('pattern', { id: `${prefix}-p${i}`, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: pattern === 'diagonal' ? 'rotate(45)' : null });
    if (pattern === 'dots') {
      p.appendChild(s('rect', { width: 8, height: 8, fill: colour }));
      p.appendChild(s('circle', { cx: 4, cy: 4, r: 1.6, fill: '#ffffff' }));
    } else {
      p.appendChild(s('rect', { width: 8, height: 8, fill: '#ffffff' }));
      if (pattern === 'diagonal' || pattern === 'vertical') p.appendChild(s('rect', { width: 4.5, height: 8, fill: colour }));
      else {
        p.appendChild(s('path', { d: 'M0,0L8,8M8,0L0,8', stroke: colour, 'stroke-width': 2.5 }));
      }
    }
    defs.appendChild(p);
  }
  const band = s('pattern', { id: `${prefix}-gap`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  band.appendChild(s('rect', { width: 6, height: 6, fill: '#f3f2f1' }));
  band.appendChild(s('rect', { width: 1.5, height: 6, fill: GRID }));
  defs.appendChild(band);
  return { defs, fill: (i) => (seriesStyle(i).pattern === 'solid' ? seriesStyle(i).colour : `url(#${prefix}-p${i})`) };
}

/** The <figure>: caption, the SVG named by its title, the legend, the note on gaps. */
function figure(kind: string, spec: ChartSpec, prefix: string, svg: SVGSVGElement, legend: HTMLElement, gapNote: string): HTMLElement {
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', titleId);
  svg.setAttribute('aria-describedby', descId);
  svg.insertBefore(s('desc', { id: descId }, describe(spec)), svg.firstChild);
  svg.insertBefore(s('title', { id: titleId }, spec.title), svg.firstChild);
  const { suppressed } = tally(spec.series);
  const parts: Node[] = [el('figcaption', {}, spec.caption), svg, legend];
  if (suppressed > 0) parts.push(el('p', { class: 'chart-note' }, el('strong', {}, '[c] '), gapNote.replace('{n}', String(suppressed)).replace('{s}', suppressed === 1 ? ' is' : 's are')));
  return el('figure', { class: 'chart', 'data-chart': kind }, ...parts);
}

/** A sentence for the SVG's description: what is plotted, and that the table holds the figures. */
function describe(spec: ChartSpec): string {
  const { suppressed } = tally(spec.series);
  const first = spec.categories[0];
  const last = spec.categories[spec.categories.length - 1];
  return (
    `${spec.series.map((x) => x.name).join(', ')}; ${spec.categories.length} ${spec.categories.length === 1 ? 'category' : 'categories'}` +
    (first !== undefined ? ` from ${first} to ${last}` : '') +
    (suppressed ? `; ${suppressed} suppressed figure${suppressed === 1 ? '' : 's'} left as gaps` : '') +
    '. The figures are in the table that follows the chart.'
  );
}

/** A legend in HTML text: each series' name beside a swatch drawn as the chart draws it. */
function legend(series: ChartSeries[], swatch: (i: number) => SVGSVGElement): HTMLElement {
  const list = el('ul', { class: 'chart-legend' });
  series.forEach((x, i) => {
    const mark = swatch(i);
    mark.setAttribute('aria-hidden', 'true');
    mark.setAttribute('focusable', 'false');
    list.appendChild(el('li', { 'data-series': x.name }, mark, x.name));
  });
  return list;
}

// ------------------------------------------------------------------------------------------
// bar charts

/**
 * Grouped bars: one group per category, one bar per series. Vertical (years along the
 * bottom) or horizontal (long labels such as wards down the side). Every bar carries its
 * value as text; a suppressed one is a gap marked [c].
 */
export function barChart(spec: ChartSpec & { orientation?: 'vertical' | 'horizontal' }): HTMLElement {
  const prefix = `chart-${++charts}`;
  const format = spec.format ?? fmtDefault;
  const n = spec.series.length;
  const { defs, fill } = patternDefs(prefix, n);
  const scale = niceScale(maxValue(spec.series));
  const horizontal = spec.orientation === 'horizontal';
  let svg: SVGSVGElement;

  if (!horizontal) {
    const width = 720;
    const height = 320;
    const m = { left: 16 + Math.max(...scale.ticks.map((t) => textWidth(format(t), 12))), right: 16, top: 34, bottom: 44 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const y = (v: number) => m.top + plotH - (v / scale.max) * plotH;
    svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'font-size': FONT });
    svg.appendChild(defs);
    if (spec.valueLabel) svg.appendChild(s('text', { x: 4, y: 14, fill: MUTED }, spec.valueLabel));
    for (const t of scale.ticks) {
      svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: y(t), y2: y(t), stroke: GRID, 'stroke-width': 1 }));
      svg.appendChild(s('text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end', fill: MUTED, 'font-size': 12 }, format(t)));
    }
    const band = plotW / Math.max(1, spec.categories.length);
    const barW = Math.min(64, (band * 0.75) / Math.max(1, n));
    spec.categories.forEach((category, c) => {
      const groupX = m.left + c * band + (band - barW * n) / 2;
      svg.appendChild(s('text', { x: m.left + c * band + band / 2, y: height - m.bottom + 20, 'text-anchor': 'middle', fill: TEXT }, category));
      spec.series.forEach((series, i) => {
        const v = series.values[c];
        const x = groupX + i * barW;
        const cx = x + barW / 2;
        if (typeof v === 'number') {
          svg.appendChild(
            s('rect', {
              class: 'bar', x: x + 1, y: y(v), width: barW - 2, height: Math.max(0, y(0) - y(v)), fill: fill(i), stroke: seriesStyle(i).colour, 'stroke-width': v > 0 ? 1.5 : 0,
              'data-series': series.name, 'data-category': category, 'data-value': v,
            }),
          );
          svg.appendChild(s('text', { x: cx, y: y(v) - 6, 'text-anchor': 'middle', fill: TEXT, 'font-size': 12 }, format(v)));
        } else {
          svg.appendChild(gapMark(v, cx, y(0) - 6, series.name, category));
        }
      });
    });
    svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: y(0), y2: y(0), stroke: TEXT, 'stroke-width': 1.5 }));
  } else {
    const width = 720;
    const barH = 18;
    const groupGap = 14;
    const labelW = Math.min(260, Math.max(80, ...spec.categories.map((c) => textWidth(c) + 12)));
    const m = { left: labelW, right: 56, top: 40, bottom: 12 };
    const groupH = barH * n + groupGap;
    const height = m.top + groupH * spec.categories.length + m.bottom;
    const plotW = width - m.left - m.right;
    const x = (v: number) => m.left + (v / scale.max) * plotW;
    svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'font-size': FONT });
    svg.appendChild(defs);
    if (spec.valueLabel) svg.appendChild(s('text', { x: m.left, y: 14, fill: MUTED }, spec.valueLabel));
    for (const t of scale.ticks) {
      svg.appendChild(s('line', { x1: x(t), x2: x(t), y1: m.top - 6, y2: height - m.bottom, stroke: GRID, 'stroke-width': 1 }));
      svg.appendChild(s('text', { x: x(t), y: m.top - 12, 'text-anchor': 'middle', fill: MUTED, 'font-size': 12 }, format(t)));
    }
    spec.categories.forEach((category, c) => {
      const top = m.top + c * groupH + groupGap / 2;
      svg.appendChild(s('text', { x: m.left - 8, y: top + (barH * n) / 2 + 4, 'text-anchor': 'end', fill: TEXT }, category));
      spec.series.forEach((series, i) => {
        const v = series.values[c];
        const barY = top + i * barH;
        if (typeof v === 'number') {
          svg.appendChild(
            s('rect', {
              class: 'bar', x: x(0), y: barY + 1, width: Math.max(0, x(v) - x(0)), height: barH - 2, fill: fill(i), stroke: seriesStyle(i).colour, 'stroke-width': v > 0 ? 1.5 : 0,
              'data-series': series.name, 'data-category': category, 'data-value': v,
            }),
          );
          svg.appendChild(s('text', { x: x(v) + 5, y: barY + barH / 2 + 4, fill: TEXT, 'font-size': 12 }, format(v)));
        } else {
          svg.appendChild(gapMark(v, x(0) + 5, barY + barH / 2 + 4, series.name, category, 'start'));
        }
      });
    });
    svg.appendChild(s('line', { x1: x(0), x2: x(0), y1: m.top - 6, y2: height - m.bottom, stroke: TEXT, 'stroke-width': 1.5 }));
  }

  const swatch = (i: number) => {
    const mark = s('svg', { width: 22, height: 16, viewBox: '0 0 22 16' });
    mark.appendChild(s('rect', { x: 1, y: 1, width: 20, height: 14, fill: fill(i), stroke: seriesStyle(i).colour, 'stroke-width': 1.5 }));
    return mark;
  };
  return figure(
    horizontal ? 'bar-horizontal' : 'bar',
    spec,
    prefix,
    svg,
    legend(spec.series, swatch),
    '{n} figure{s} suppressed under disclosure control (a count from 1 to 9, or one withheld so that a total cannot give it back): each is a gap marked [c], not a bar of zero.',
  );
}

/** Where a bar or point is missing: [c] for a suppressed figure, a dash for none. */
function gapMark(v: 'suppressed' | null, x: number, y: number, series: string, category: string, anchor = 'middle'): SVGTextElement {
  return s(
    'text',
    { class: v === 'suppressed' ? 'suppressed' : 'missing', x, y, 'text-anchor': anchor, fill: TEXT, 'font-size': 12, 'data-series': series, 'data-category': category },
    v === 'suppressed' ? '[c]' : '–',
  );
}

// ------------------------------------------------------------------------------------------
// line charts

/**
 * A time series: one line per series, a marker at each figure. A suppressed figure breaks
 * the line, and its month is shaded and marked [c]: the trend is never drawn through it.
 */
export function lineChart(spec: LineChartSpec): HTMLElement {
  const prefix = `chart-${++charts}`;
  const format = spec.format ?? fmtDefault;
  const { defs } = patternDefs(prefix, 0);
  const scale = niceScale(maxValue(spec.series));
  const width = 720;
  const height = 340;
  const m = { left: 16 + Math.max(...scale.ticks.map((t) => textWidth(format(t), 12))), right: 20, top: 34, bottom: 52 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const count = spec.categories.length;
  const step = plotW / Math.max(1, count);
  const x = (i: number) => m.left + step * (i + 0.5);
  const y = (v: number) => m.top + plotH - (v / scale.max) * plotH;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'font-size': FONT });
  svg.appendChild(defs);
  if (spec.valueLabel) svg.appendChild(s('text', { x: 4, y: 14, fill: MUTED }, spec.valueLabel));

  // shaded where any series is suppressed, behind everything
  spec.categories.forEach((category, i) => {
    if (!spec.series.some((series) => series.values[i] === 'suppressed')) return;
    svg.appendChild(s('rect', { class: 'gap-band', x: x(i) - step / 2, y: m.top, width: step, height: plotH, fill: `url(#${prefix}-gap)`, 'data-category': category }));
    svg.appendChild(s('text', { x: x(i), y: m.top - 6, 'text-anchor': 'middle', fill: TEXT, 'font-size': 11 }, '[c]'));
  });
  for (const t of scale.ticks) {
    svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: y(t), y2: y(t), stroke: GRID, 'stroke-width': 1 }));
    svg.appendChild(s('text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end', fill: MUTED, 'font-size': 12 }, format(t)));
  }
  const tick = spec.tick ?? ((category: string) => [category]);
  spec.categories.forEach((category, i) => {
    const lines = tick(category, i);
    if (!lines) return;
    svg.appendChild(s('line', { x1: x(i), x2: x(i), y1: y(0), y2: y(0) + 5, stroke: TEXT, 'stroke-width': 1 }));
    lines.forEach((line, l) => svg.appendChild(s('text', { x: x(i), y: y(0) + 20 + l * 15, 'text-anchor': 'middle', fill: TEXT, 'font-size': 12 }, line)));
  });
  svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: y(0), y2: y(0), stroke: TEXT, 'stroke-width': 1.5 }));

  spec.series.forEach((series, i) => {
    const style = seriesStyle(i);
    for (const run of runs(series.values)) {
      if (run.length < 2) continue;
      const d = run.map((c, k) => `${k === 0 ? 'M' : 'L'}${x(c).toFixed(1)},${y(series.values[c] as number).toFixed(1)}`).join('');
      svg.appendChild(s('path', { class: 'line', d, fill: 'none', stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash || null, 'stroke-linejoin': 'round', 'data-series': series.name }));
    }
    series.values.forEach((v, c) => {
      if (typeof v !== 'number') return;
      const filled = style.marker !== 'cross';
      svg.appendChild(
        s('path', {
          class: 'point', d: markerPath(style.marker, x(c), y(v)), fill: filled ? style.colour : 'none', stroke: style.colour, 'stroke-width': filled ? 1 : 2.5,
          'data-series': series.name, 'data-category': spec.categories[c], 'data-value': v,
        }),
      );
    });
  });

  const swatch = (i: number) => {
    const style = seriesStyle(i);
    const mark = s('svg', { width: 36, height: 16, viewBox: '0 0 36 16' });
    mark.appendChild(s('path', { d: 'M2,8L34,8', stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash || null }));
    mark.appendChild(s('path', { d: markerPath(style.marker, 18, 8), fill: style.marker === 'cross' ? 'none' : style.colour, stroke: style.colour, 'stroke-width': style.marker === 'cross' ? 2.5 : 1 }));
    return mark;
  };
  return figure(
    'line',
    spec,
    prefix,
    svg,
    legend(spec.series, swatch),
    '{n} figure{s} suppressed under disclosure control (a count from 1 to 9, or one withheld so that a total cannot give it back): the line breaks there and the period is shaded and marked [c]; it is not drawn as zero.',
  );
}
