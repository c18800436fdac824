import { DEFAULT_DISCLOSURE_POLICY } from '../../../../libs/analytics/src';
import { HOME_OFFICE_CATEGORIES } from '../../../../libs/contracts/src';
import {
  CRIME_MAIN_GROUPS, CRIME_TREE, findNode, leavesOf, percent, percentChange, protectedTable, rate, round, tableCsv, treeRows, withChange, yearColumns,
} from './indicator-tables';

// pack-2018 L1036-1076: Hartlepool recorded crime by leaf category, 2016 and 2017
const PACK_2018: Record<string, [number, number]> = {
  homicide: [2, 0], 'violence-with-injury': [865, 916], 'violence-without-injury': [1196, 1428], rape: [63, 80], 'other-sexual-offences': [138, 152],
  'burglary-residential': [565, 814], 'burglary-business-community': [191, 356], 'bicycle-theft': [179, 186], 'theft-from-person': [41, 62],
  'robbery-personal': [44, 58], 'robbery-business': [4, 13], 'vehicle-crime': [613, 1320], shoplifting: [1334, 1405], 'other-acquisitive': [980, 1306],
  'criminal-damage-arson': [1647, 1592], 'public-disorder': [317, 353], 'trafficking-of-drugs': [60, 63], 'possession-of-drugs': [224, 164],
  'possession-of-weapons': [65, 56], 'misc-crimes-against-society': [152, 164],
};

describe('indicator tables', () => {
  const crime = treeRows(CRIME_TREE, (k) => PACK_2018[k], (v) => withChange(v));
  const row = (key: string) => crime.find((r) => r.key === key)!;

  it('has every Home Office category once as a leaf, and the main groups partition them', () => {
    expect(leavesOf(CRIME_TREE).sort()).toEqual([...HOME_OFFICE_CATEGORIES].sort());
    expect(CRIME_MAIN_GROUPS.flatMap((g) => leavesOf(findNode(CRIME_TREE, g)!)).sort()).toEqual([...HOME_OFFICE_CATEGORIES].sort());
  });

  it('sums every subtotal from the leaves, not the printed figures', () => {
    // the pack printed acquisitive crime as 3,903 and 5,549; its parts add to 3,951 and 5,520
    expect(row('acquisitive').cells.slice(0, 2)).toEqual([3951, 5520]);
    // ... while its victim-based totals and the grand total do add up
    expect(row('victim-based').cells.slice(0, 2)).toEqual([7862, 9688]);
    expect(row('other-crimes-against-society').cells.slice(0, 2)).toEqual([818, 800]);
    expect(row('drug-offences').cells.slice(0, 2)).toEqual([284, 227]);
    expect(row('total')).toMatchObject({ label: 'Total recorded crime', level: 'total', cells: [8680, 10488, 1808, 20.8] });
    expect(row('acquisitive').level).toBe('subtotal');
    expect(row('shoplifting').level).toBe('leaf');
    // each subtotal comes before its parts, as the pack prints its groups
    expect(crime.findIndex((r) => r.key === 'acquisitive')).toBeLessThan(crime.findIndex((r) => r.key === 'burglary-residential'));
  });

  it('gives change and % change from the first year to the last, to one decimal (pack-2018 fires: -29.0%, 19.4%, 9.0%)', () => {
    expect(yearColumns([2016, 2017])).toEqual(['2016', '2017', 'Change', '% change']);
    expect(yearColumns([2017])).toEqual(['2017']);
    expect(withChange([93, 66])).toEqual([93, 66, -27, -29]);
    expect(withChange([341, 407])).toEqual([341, 407, 66, 19.4]);
    expect(withChange([434, 500, 473])).toEqual([434, 500, 473, 39, 9]);
    expect(withChange([0, 5])).toEqual([0, 5, 5, null]);
    expect(withChange([77.2, null], 1)).toEqual([77.2, null, null, null]);
    expect(withChange([77.2, 77.8], 1)).toEqual([77.2, 77.8, 0.6, 0.8]);
    expect(row('homicide').cells).toEqual([2, 0, -2, -100]);
    expect(percentChange(8680, 10488)).toBe(20.8);
    expect(round(-2.25, 1)).toBe(-2.3);
  });

  it('computes rates and shares to one decimal, null with nothing to divide by', () => {
    expect(rate(7086, 91080, 1000)).toBe(77.8); // pack-2018: Hartlepool ASB per 1,000, 2017
    expect(rate(7033, 91080, 1000)).toBe(77.2);
    expect(rate(10, undefined, 1000)).toBeNull();
    expect(percent(26, 100)).toBe(26);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(0, 0)).toBeNull();
  });

  it('protects a table below partnership level and shows partnership level as counted', () => {
    const wards = [{ key: 'Victoria', label: 'Victoria' }, { key: 'Rossmere', label: 'Rossmere' }, { key: 'Hart', label: 'Hart' }];
    const counts = [[12, 33], [16, 41], [3, 0]];
    const below = protectedTable(wards, ['Primary', 'Secondary'], counts, 'below-partnership', DEFAULT_DISCLOSURE_POLICY);
    expect(below.columns).toEqual(['Primary', 'Secondary', 'Total']);
    // Hart's 3 is suppressed, and so is its row total; the Primary total is shown, so 12 goes too, then
    // Victoria's row total would give it back (33 goes), then the Secondary column's (41), then Rossmere's row (16)
    expect(below.rows.map((r) => r.cells)).toEqual([['[c]', '[c]', 45], ['[c]', '[c]', 55], ['[c]', 0, '[c]'], [30, 75, 105]]);
    expect(below.rows[3]).toMatchObject({ key: 'total', label: 'Total', level: 'total' });

    const partnership = protectedTable(wards, ['Primary', 'Secondary'], counts, 'partnership', DEFAULT_DISCLOSURE_POLICY);
    expect(partnership.rows.map((r) => r.cells)).toEqual([[12, 33, 45], [16, 41, 57], [3, 0, 3], [31, 74, 105]]);

    expect(protectedTable([], ['A', 'B'], [], 'below-partnership', DEFAULT_DISCLOSURE_POLICY).rows).toEqual([{ key: 'total', label: 'Total', level: 'total', cells: [0, 0, 0] }]);
  });

  it('writes CSV with a header row, RFC 4180 quoting, [c] for suppressed cells, empty for no figure, and no formulas', () => {
    const csv = tableCsv('Ward', {
      columns: ['Primary', 'Secondary, derelict', 'Total'],
      rows: [
        { key: 'a', label: 'Headland "and" Harbour', cells: ['[c]', 12, null] },
        { key: 'b', label: '=HYPERLINK("http://x")', cells: [-3, 0, 5] },
        { key: 'c', label: '@SUM(A1)', cells: [1.5, '+1', '-2'] },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'Ward,Primary,"Secondary, derelict",Total',
      '"Headland ""and"" Harbour",[c],12,',
      `"'=HYPERLINK(""http://x"")",-3,0,5`,
      "'@SUM(A1),1.5,'+1,'-2",
      '',
    ]);
  });
});
