import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DisclosurePolicy } from '../../../../libs/analytics/src';
import { FIRE_PROPERTY_TYPES, FirePropertyType, LOCAL_AUTHORITIES, LocalAuthority } from '../../../../libs/contracts/src';
import { defaultAgreementsDir } from '../../../../libs/isa/src';

/** Residents by calendar year: the denominators of the rates. */
export type Population = Record<number, number>;

export interface AnalyticsConfig {
  file: string;
  disclosure: DisclosurePolicy;
  populations: Partial<Record<LocalAuthority, { all: Population; aged10to17: Population }>>;
  /** ward names (lower case) a fact may carry, per authority */
  wards: Partial<Record<LocalAuthority, string[]>>;
  fireEconomicCost: { currency: string; perFire: Record<string, number>; groupOf: Record<FirePropertyType, string> };
}

type Doc = Record<string, any>;
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** deploy/analytics/indicators.yaml, checked: a fault names the file and the key. */
export function loadAnalyticsConfig(file = process.env.ANALYTICS_CONFIG_FILE ?? join(defaultAgreementsDir(), '..', 'analytics', 'indicators.yaml')): AnalyticsConfig {
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Doc;
  const faults: string[] = [];
  const whole = (v: unknown, key: string, min: number) => (Number.isInteger(v) && (v as number) >= min ? (v as number) : (faults.push(`${key}: a whole number from ${min}`), min));
  const authority = (a: string, key: string) => (LOCAL_AUTHORITIES as readonly string[]).includes(a) || (faults.push(`${key}.${a}: unknown local authority`), false);
  const section = (key: string): Doc => (isObject(doc[key]) ? doc[key] : (faults.push(`${key}: missing`), {}));

  const d = section('disclosure');
  const disclosure = { suppressBelow: whole(d.suppressBelow, 'disclosure.suppressBelow', 1), roundTo: whole(d.roundTo, 'disclosure.roundTo', 1) };

  const populations: AnalyticsConfig['populations'] = {};
  for (const [a, p] of Object.entries(section('populations'))) {
    if (!authority(a, 'populations')) continue;
    const years = (kind: string): Population => {
      const byYear = isObject(p) ? p[kind] ?? {} : null;
      if (!isObject(byYear)) return (faults.push(`populations.${a}.${kind}: years and numbers, e.g. 2017: 91080`), {});
      const out: Population = {};
      for (const [y, n] of Object.entries(byYear)) {
        if (!/^\d{4}$/.test(y)) faults.push(`populations.${a}.${kind}.${y}: a year, YYYY`);
        else out[Number(y)] = whole(n, `populations.${a}.${kind}.${y}`, 1);
      }
      return out;
    };
    populations[a as LocalAuthority] = { all: years('all'), aged10to17: years('aged10to17') };
  }

  const wards: AnalyticsConfig['wards'] = {};
  for (const [a, list] of Object.entries(section('wards'))) {
    if (!authority(a, 'wards')) continue;
    if (Array.isArray(list) && list.every((w) => typeof w === 'string' && w.trim())) wards[a as LocalAuthority] = list.map((w: string) => w.trim().toLowerCase());
    else faults.push(`wards.${a}: a list of ward names`);
  }

  const f = section('fireEconomicCost');
  if (typeof f.currency !== 'string' || !/^[A-Z]{3}$/.test(f.currency)) faults.push('fireEconomicCost.currency: an ISO 4217 code, e.g. GBP');
  const perFire: Record<string, number> = {};
  const groupOf = {} as Record<FirePropertyType, string>;
  const groups = isObject(f.groups) ? f.groups : (faults.push('fireEconomicCost.groups: missing'), {});
  for (const [g, types] of Object.entries(groups)) {
    perFire[g] = whole(isObject(f.perFire) ? f.perFire[g] : undefined, `fireEconomicCost.perFire.${g}`, 0);
    if (!Array.isArray(types)) faults.push(`fireEconomicCost.groups.${g}: a list of fire property types`);
    for (const t of Array.isArray(types) ? types : []) {
      if (!(FIRE_PROPERTY_TYPES as readonly string[]).includes(t)) faults.push(`fireEconomicCost.groups.${g}: unknown property type ${t}`);
      else if (groupOf[t as FirePropertyType]) faults.push(`fireEconomicCost.groups.${g}: ${t} is already in ${groupOf[t as FirePropertyType]}`);
      else groupOf[t as FirePropertyType] = g;
    }
  }
  // every fire has a cost, or the cost row would silently leave some out
  const missing = FIRE_PROPERTY_TYPES.filter((t) => !groupOf[t]);
  if (missing.length) faults.push(`fireEconomicCost.groups: no group for ${missing.join(', ')}`);
  for (const g of Object.keys(isObject(f.perFire) ? f.perFire : {})) if (!(g in groups)) faults.push(`fireEconomicCost.perFire.${g}: not a group`);

  if (faults.length) throw new Error(`analytics configuration ${file} cannot be used: ${faults.join('; ')}`);
  return { file, disclosure, populations, wards, fireEconomicCost: { currency: f.currency, perFire, groupOf } };
}
