// The web app's chart maths, which touches no DOM, run in Node. Kept outside web/src so the
// browser build (no jest types) does not compile it.
import { markerPath, maxValue, niceScale, runs, seriesStyle, SERIES_COLOURS, tally } from './src/charts';

/** WCAG relative luminance contrast of a #rrggbb colour against white. */
function contrastOnWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (l + 0.05);
}

describe('chart maths', () => {
  it('gives a value axis from 0 to a round number at or above the largest figure', () => {
    expect(niceScale(46)).toEqual({ max: 50, step: 10, ticks: [0, 10, 20, 30, 40, 50] });
    expect(niceScale(30)).toEqual({ max: 30, step: 10, ticks: [0, 10, 20, 30] });
    expect(niceScale(754_000).max).toBe(800_000);
    expect(niceScale(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] });
    // nothing to plot: still an axis
    expect(niceScale(0)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(-5).max).toBe(1);
  });

  it('breaks a line at every suppressed figure or missing one, never joining across it', () => {
    expect(runs([0, 10, 'suppressed', 15, 15, null, 5])).toEqual([[0, 1], [3, 4], [6]]);
    expect(runs(['suppressed', 'suppressed'])).toEqual([]);
    expect(runs([1, 2, 3])).toEqual([[0, 1, 2]]);
  });

  it('counts suppressed figures apart from zeros, and ignores them for the scale', () => {
    const series = [
      { name: 'Primary', values: [0, 'suppressed', 25] as const },
      { name: 'Secondary', values: ['suppressed', null, 30] as const },
    ].map((s) => ({ ...s, values: [...s.values] }));
    expect(tally(series)).toEqual({ suppressed: 2, plotted: 3, missing: 1 });
    expect(maxValue(series)).toBe(30);
    expect(maxValue([{ name: 'none', values: ['suppressed'] }])).toBe(0);
  });

  it('tells series apart by more than colour, in colours of 3:1 or more against white', () => {
    for (const colour of SERIES_COLOURS) expect([colour, contrastOnWhite(colour) >= 3]).toEqual([colour, true]);
    const styles = [0, 1, 2, 3, 4].map(seriesStyle);
    expect(new Set(styles.map((s) => s.pattern)).size).toBe(5);
    expect(new Set(styles.map((s) => s.marker)).size).toBe(5);
    expect(new Set(styles.map((s) => s.dash)).size).toBe(5);
  });

  it('draws each marker shape as a closed path around its point', () => {
    expect(markerPath('square', 10, 10, 2)).toBe('M8,8h4v4h-4Z');
    expect(markerPath('circle', 10, 10, 2)).toMatch(/^M8,10a2,2/);
  });
});
