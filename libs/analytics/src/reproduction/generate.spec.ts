import { ASB_CATEGORIES, HOME_OFFICE_CATEGORIES, recordKind, validatePayload } from '../../../contracts/src';
import { generatePackRecords } from './generate';
import { PACK_2018 } from './pack-tables';

const ukYear = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' });
const yearOf = (iso: string) => Number(ukYear.format(new Date(iso)));

describe('record-level data for the reproduction check', () => {
  const generated = generatePackRecords();
  const of = (kind: string) => generated.find((g) => g.kind === kind)!.records as any[];
  const counts = (kind: string, timeField: string, key: (r: any) => string) => {
    const n = new Map<string, number>();
    for (const r of of(kind)) n.set(`${yearOf(r[timeField])}/${key(r)}`, (n.get(`${yearOf(r[timeField])}/${key(r)}`) ?? 0) + 1);
    return (year: number, value: string) => n.get(`${year}/${value}`) ?? 0;
  };

  it('sums to every leaf of the pack’s tables, per UK calendar year', () => {
    const crimes = counts('crime', 'recordedAt', (r) => r.homeOfficeCategory);
    const asb = counts('asb-incident', 'occurredAt', (r) => r.category);
    const fires = counts('deliberate-fire', 'occurredAt', (r) => (recordKind('fire', 'deliberate-fire').derive!(r) as any).category);
    PACK_2018.years.forEach((year, y) => {
      for (const category of HOME_OFFICE_CATEGORIES) expect([category, crimes(year, category)]).toEqual([category, PACK_2018.crime.leaves[category][y]]);
      for (const type of ASB_CATEGORIES) expect(asb(year, type)).toBe(PACK_2018.asb.types[type][y]);
      expect(fires(year, 'primary')).toBe(PACK_2018.fires.categories.primary[y]);
      expect(fires(year, 'secondary')).toBe(PACK_2018.fires.categories.secondary[y]);
    });
  });

  it('gives records each edge accepts, with unique references, the same on every run', () => {
    for (const { agency, kind, records } of generated) {
      const k = recordKind(agency, kind);
      for (const r of records.slice(0, 300)) {
        const result = validatePayload(k.dto, r);
        expect(result.ok ? [] : result.faults).toEqual([]);
        expect(k.check?.(result.ok ? (result.value as any) : r) ?? []).toEqual([]);
      }
      expect(new Set(records.map((r) => r[k.refField])).size).toBe(records.length);
    }
    expect(generatePackRecords()).toEqual(generated);
  });
});
