/**
 * Statistical disclosure control for the analysts' tables (issue 7, domain.md §3): below
 * partnership level a small count could identify a person (three deliberate fires in one
 * ward, one child held 12 hours from one estate), so
 *  - primary suppression: a count from 1 to `suppressBelow - 1` (default 9) is not shown;
 *  - rounding: every other count, and every total, is rounded to the nearest `roundTo` (5);
 *  - secondary suppression: a row or column whose total is shown never has exactly one
 *    suppressed cell, or the total minus the others would give it back; another cell of
 *    that line (the smallest non-zero one) is suppressed too, until no line has a lone suppressed cell.
 * Zero is shown: "none" names nobody. At partnership level (the published totals the packs
 * carry) a table is shown as counted, unrounded, as the packs print them.
 */
export interface DisclosurePolicy {
  /** counts from 1 to this minus one are suppressed (ONS "10-5": 10) */
  suppressBelow: number;
  /** shown counts are rounded to the nearest multiple of this (1: not rounded) */
  roundTo: number;
}

export const DEFAULT_DISCLOSURE_POLICY: DisclosurePolicy = { suppressBelow: 10, roundTo: 5 };

export type SuppressionReason = 'small-number' | 'secondary';
export type ProtectedCell = { value: number } | { suppressed: SuppressionReason };

export interface ProtectedTable {
  cells: ProtectedCell[][];
  rowTotals: ProtectedCell[];
  columnTotals: ProtectedCell[];
  total: ProtectedCell;
}

/** The partnership as a whole, or anything finer (ward, outward postcode, team, month of a small area). */
export type Level = 'partnership' | 'below-partnership';

export function roundToNearest(value: number, step: number): number {
  return step <= 1 ? value : Math.round(value / step) * step;
}

/**
 * Protects a table of counts (rows × columns) with its row, column and grand totals. A
 * list with a total is a table of one row.
 */
export function protectTable(counts: number[][], level: Level, policy: DisclosurePolicy = DEFAULT_DISCLOSURE_POLICY): ProtectedTable {
  const rows = counts.length;
  const cols = rows ? counts[0].length : 0;
  for (const row of counts) {
    if (row.length !== cols) throw new RangeError('protectTable: every row needs the same number of columns');
    for (const v of row) if (!Number.isInteger(v) || v < 0) throw new RangeError(`protectTable: counts are whole numbers of at least 0, not ${v}`);
  }
  const rowSums = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = Array.from({ length: cols }, (_, c) => counts.reduce((a, r) => a + r[c], 0));
  const grand = rowSums.reduce((a, b) => a + b, 0);
  if (level === 'partnership') {
    const shown = (v: number): ProtectedCell => ({ value: v });
    return { cells: counts.map((r) => r.map(shown)), rowTotals: rowSums.map(shown), columnTotals: colSums.map(shown), total: shown(grand) };
  }

  const small = (v: number) => v > 0 && v < policy.suppressBelow;
  const mark: (SuppressionReason | undefined)[][] = counts.map((r) => r.map((v) => (small(v) ? 'small-number' : undefined)));
  // A small total is itself suppressed; a suppressed total reveals nothing, so its line needs no second cell.
  const rowTotalHidden = rowSums.map(small);
  const colTotalHidden = colSums.map(small);

  // Secondary suppression: repeat until no line with a shown total has exactly one suppressed cell.
  for (let changed = true; changed; ) {
    changed = false;
    const lines: { cells: [number, number][]; totalHidden: boolean }[] = [
      ...counts.map((_, r) => ({ cells: Array.from({ length: cols }, (_, c) => [r, c] as [number, number]), totalHidden: rowTotalHidden[r] })),
      ...Array.from({ length: cols }, (_, c) => ({ cells: counts.map((_, r) => [r, c] as [number, number]), totalHidden: colTotalHidden[c] })),
    ];
    for (const line of lines) {
      if (line.totalHidden) continue;
      const hidden = line.cells.filter(([r, c]) => mark[r][c]);
      if (hidden.length !== 1) continue;
      // the smallest other non-zero cell goes too: it loses the least information, and a zero
      // beside the small cell would hide almost nothing (their sum is still the small count)
      const weight = (r: number, c: number) => (counts[r][c] === 0 ? Number.MAX_SAFE_INTEGER : counts[r][c]);
      const candidates = line.cells.filter(([r, c]) => !mark[r][c]).sort(([ra, ca], [rb, cb]) => weight(ra, ca) - weight(rb, cb));
      if (candidates.length === 0) continue; // a line of one cell: its total is the cell, rounded like it
      const [r, c] = candidates[0];
      mark[r][c] = 'secondary';
      changed = true;
    }
  }

  const out = (v: number, suppressed?: SuppressionReason): ProtectedCell => (suppressed ? { suppressed } : { value: roundToNearest(v, policy.roundTo) });
  return {
    cells: counts.map((row, r) => row.map((v, c) => out(v, mark[r][c]))),
    rowTotals: rowSums.map((v, r) => out(v, rowTotalHidden[r] ? 'small-number' : undefined)),
    columnTotals: colSums.map((v, c) => out(v, colTotalHidden[c] ? 'small-number' : undefined)),
    total: out(grand, small(grand) ? 'small-number' : undefined),
  };
}

/** A cell as a CSV field: the rounded count, or `[c]` (the ONS mark for a confidential value) when suppressed. */
export const cellText = (cell: ProtectedCell): string => ('value' in cell ? String(cell.value) : '[c]');
