import { mulberry32 } from '../../libs/identity/src/population';

/** Small statistics and formatting helpers for the benchmark's figures. */

export interface Distribution {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, values rounded to 0.1. */
export function distribution(values: number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { count: s.length, min: r(s[0]), p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(s[s.length - 1]), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

export const fmtInt = (v: number) => Math.round(v).toLocaleString('en-GB');
export const fmtMB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const fmtDist = (d: Distribution | undefined, unit = 'ms') =>
  d ? `p50 ${d.p50} ${unit}, p95 ${d.p95} ${unit}, p99 ${d.p99} ${unit}, max ${d.max} ${unit} (n=${fmtInt(d.count)})` : 'no samples';

/** A plain-text table: first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Deterministic PRNG (mulberry32, the identity evaluation's too) so every run offers the same data shape. */
export const rng = mulberry32;
