import { mulberry32 } from '../../../identity/src/population';
import { PACK_2018 } from './pack-tables';

/**
 * Record-level data that sums exactly to the pack's tables: one agency record per counted
 * crime, ASB incident and deliberate fire, spread over the UK calendar year, Hartlepool's
 * wards and postcodes, from a seeded generator (the same seed gives the same records). No
 * people are named: the figures are counts of incidents.
 */

/** Hartlepool's eleven wards of 2012–2019 (the pack's period) and an outward postcode in each. */
export const HARTLEPOOL_WARDS: readonly [string, string][] = [
  ['Burn Valley', 'TS26'], ['De Bruce', 'TS24'], ['Fens and Rossmere', 'TS25'], ['Foggy Furze', 'TS25'], ['Hart', 'TS26'], ['Headland and Harbour', 'TS24'],
  ['Jesmond', 'TS24'], ['Manor House', 'TS25'], ['Rural West', 'TS26'], ['Seaton', 'TS25'], ['Victoria', 'TS24'],
];

export interface GeneratedRecords {
  agency: 'police' | 'fire';
  kind: 'crime' | 'asb-incident' | 'deliberate-fire';
  records: Record<string, unknown>[];
}

export function generatePackRecords(seed = 2018): GeneratedRecords[] {
  const rnd = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  // 09:00–20:59 UTC on a day of the year: the same UK calendar day and year, whatever the clock change.
  const timeIn = (year: number): string => {
    const days = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;
    const at = Date.UTC(year, 0, 1) + Math.floor(rnd() * days) * 86_400_000 + (9 * 60 + Math.floor(rnd() * 720)) * 60_000;
    return new Date(at).toISOString();
  };
  const place = () => {
    const [ward, district] = pick(HARTLEPOOL_WARDS);
    return { ward, district, postcode: `${district} ${1 + Math.floor(rnd() * 9)}${pick('ABDEFGHJLNPQRSTUWXYZ'.split(''))}${pick('ABDEFGHJLNPQRSTUWXYZ'.split(''))}` };
  };
  const crimes: Record<string, unknown>[] = [];
  const asb: Record<string, unknown>[] = [];
  const fires: Record<string, unknown>[] = [];

  PACK_2018.years.forEach((year, y) => {
    for (const [category, counts] of Object.entries(PACK_2018.crime.leaves)) {
      for (let i = 0; i < counts[y]; i++) {
        const p = place();
        crimes.push({ crimeRef: `REPRO-CR-${year}-${crimes.length + 1}`, recordedAt: timeIn(year), homeOfficeCategory: category, domesticAbuse: false, ward: p.ward, outwardPostcode: p.district });
      }
    }
    for (const [category, counts] of Object.entries(PACK_2018.asb.types)) {
      for (let i = 0; i < counts[y]; i++) {
        const p = place();
        asb.push({ incidentRef: `REPRO-ASB-${year}-${asb.length + 1}`, occurredAt: timeIn(year), category, location: { ward: p.ward, postcode: p.postcode } });
      }
    }
    for (const [category, counts] of Object.entries(PACK_2018.fires.categories)) {
      for (let i = 0; i < counts[y]; i++) {
        const p = place();
        // IRS: a primary fire here is in a building, vehicle or structure with 1-4 appliances; secondary is outdoor or derelict
        const propertyType = category === 'primary' ? pick(['dwelling', 'other-building', 'vehicle', 'outdoor-structure']) : pick(['refuse', 'grassland', 'other-outdoor', 'derelict-building', 'derelict-vehicle']);
        fires.push({
          incidentRef: `REPRO-IRS-${year}-${fires.length + 1}`, occurredAt: timeIn(year), location: { ward: p.ward, postcode: p.postcode },
          propertyType, appliancesAttending: 1 + Math.floor(rnd() * 4), casualties: 0, rescues: 0, derelict: propertyType.startsWith('derelict'), suspectedArson: rnd() < 0.3,
        });
      }
    }
  });
  return [
    { agency: 'police', kind: 'crime', records: crimes },
    { agency: 'police', kind: 'asb-incident', records: asb },
    { agency: 'fire', kind: 'deliberate-fire', records: fires },
  ];
}
