import { cellText, protectTable, ProtectedCell, roundToNearest } from './disclosure-control';

const shown = (t: ProtectedCell[][]) => t.map((r) => r.map(cellText));

describe('disclosure control', () => {
  it('shows a partnership-level table as counted: the packs’ published figures, unrounded', () => {
    const t = protectTable([[93, 341], [66, 407]], 'partnership');
    expect(shown(t.cells)).toEqual([['93', '341'], ['66', '407']]);
    expect(t.total).toEqual({ value: 907 });
  });

  it('suppresses 1 to 9 below partnership level, shows zero, and rounds the rest to the nearest 5', () => {
    const t = protectTable([[0, 12, 3, 48]], 'below-partnership');
    // 3 is small; the row total is shown, so one more cell of the row goes too: the smallest
    // non-zero one (a zero beside it would leave the small count as total minus the rest)
    expect(shown(t.cells)).toEqual([['0', '[c]', '[c]', '50']]);
    expect(t.cells[0][2]).toEqual({ suppressed: 'small-number' });
    expect(t.cells[0][1]).toEqual({ suppressed: 'secondary' });
    expect(t.rowTotals).toEqual([{ value: 65 }]);
    expect(roundToNearest(12, 5)).toBe(10);
    expect(roundToNearest(13, 5)).toBe(15);
  });

  it('a lone small cell in a row and in a column gets a partner in each, so no total gives it back', () => {
    // wards × fire category, the kind of table the analysts publish
    const t = protectTable(
      [
        [40, 5, 30],
        [22, 31, 18],
        [15, 26, 44],
      ],
      'below-partnership',
    );
    const hidden = t.cells.map((r) => r.map((c) => 'suppressed' in c));
    expect(hidden[0][1]).toBe(true);
    for (let r = 0; r < 3; r++) expect(hidden[r].filter(Boolean).length).not.toBe(1);
    for (let c = 0; c < 3; c++) expect(hidden.map((row) => row[c]).filter(Boolean).length).not.toBe(1);
  });

  it('suppresses a small total itself, and then needs no partner cell in its line', () => {
    const t = protectTable([[3, 4], [50, 60]], 'below-partnership');
    expect(t.rowTotals[0]).toEqual({ suppressed: 'small-number' }); // 7
    expect('suppressed' in t.cells[0][0] && 'suppressed' in t.cells[0][1]).toBe(true);
    expect(t.total).toEqual({ value: 115 });
  });

  it('never leaves a line with a shown total and exactly one suppressed cell (random tables)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 2000; n++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const counts = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * rand() * 40)));
      const t = protectTable(counts, 'below-partnership');
      const lone = (cells: ProtectedCell[], total: ProtectedCell) => cells.length > 1 && 'value' in total && cells.filter((c) => 'suppressed' in c).length === 1;
      for (let r = 0; r < rows; r++) expect(lone(t.cells[r], t.rowTotals[r])).toBe(false);
      for (let c = 0; c < cols; c++) expect(lone(t.cells.map((row) => row[c]), t.columnTotals[c])).toBe(false);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
        const cell = t.cells[r][c];
        if ('value' in cell) expect(cell.value % 5).toBe(0);
        if (counts[r][c] > 0 && counts[r][c] < 10) expect(cell).toEqual({ suppressed: 'small-number' });
      }
    }
  });

  it('refuses what is not a table of counts', () => {
    expect(() => protectTable([[1, 2], [3]], 'below-partnership')).toThrow(/same number of columns/);
    expect(() => protectTable([[-1]], 'below-partnership')).toThrow(/at least 0/);
  });
});
