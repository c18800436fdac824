import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Agency } from '../../libs/contracts/src';
import { Agreement } from '../../libs/isa/src/agreement';
import { defaultAgreementsDir } from '../../libs/isa/src/loader';
import { AGENCY_CASES, child, person, POLICE_CASES } from './agency-records';
import { syntheticPerson } from './fixtures';

/**
 * The information-sharing matrix, worked out by the tests on their own from the agreement
 * file: for a role, purpose and kind of source record, which fields must reach the reader.
 * It shares no code with libs/isa, so a fault in the policy decision point or the field
 * filter shows up as a difference.
 */
export const shippedAgreement = (): Agreement => parse(readFileSync(join(defaultAgreementsDir(), 'shp-isa.yaml'), 'utf8'));

/** Every path to a value, stepping through arrays without an index (`childrenPresent.givenName`). */
export function leaves(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, prefix));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  return prefix ? [prefix] : [];
}

/** `path=value` for every value, for comparing what was released with what is held. */
export function leafValues(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => leafValues(v, prefix));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafValues(v, prefix ? `${prefix}.${k}` : k));
  return prefix ? [`${prefix}=${JSON.stringify(value)}`] : [];
}

/** A clause field gives a leaf when it names it, or an object above it (`a.b`, `a.*`). */
export const grants = (field: string, leaf: string) => {
  const base = field.endsWith('.*') ? field.slice(0, -2) : field;
  return field === '*' || leaf === base || leaf.startsWith(`${base}.`);
};

export type Expected = { tier: 'none' } | { tier: 'signpost'; clause: string } | { tier: 'fields'; clause: string; fields: string[] };

/** What the agreement gives `role` of `source` for `purpose`: the widest clause naming the role. */
export function expected(agreement: Agreement, purpose: string, role: string, source: string): Expected {
  const p = agreement.purposes[purpose];
  if (!p || !p.roles.includes(role)) return { tier: 'none' };
  const clauses = p.clauses.filter((c) => c.source === source && c.roles.includes(role));
  const fields = clauses.filter((c) => c.tier === 'fields').sort((a, b) => b.fields!.length - a.fields!.length)[0];
  if (fields) return { tier: 'fields', clause: fields.id, fields: fields.fields! };
  return clauses[0] ? { tier: 'signpost', clause: clauses[0].id } : { tier: 'none' };
}

/** The held record's values the agreed fields give: exactly these must be released. */
export const releasedValues = (held: Record<string, unknown>, fields: string[]) => leafValues(held).filter((lv) => fields.some((f) => grants(f, lv.slice(0, lv.indexOf('=')))));

/** A person with every detail an agreement may name, distinct per ref (so identity keeps them apart). */
function fullPerson(p: Record<string, unknown>): Record<string, unknown> {
  const s = syntheticPerson(String(p.personRef), String(p.givenName), String(p.familyName));
  return { ...s, ...p, sex: 'F', address: { line1: '2 Matrix Road', postcode: s.address.postcode } };
}

function enrich(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(enrich);
  if (value && typeof value === 'object') {
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, enrich(v)]));
    return 'personRef' in out && 'givenName' in out ? fullPerson(out) : out;
  }
  return value;
}

/** Optional fields the support cases leave out but some clause names. */
const EXTRAS: Record<string, Record<string, unknown>> = {
  'police/custody-entry': { appearsUnder18: true },
  'police/crime': { hate: false },
  'police/asb-incident': { location: { ward: 'De Bruce', postcode: 'TS25 1AB' } },
  'housing/asb-report': { occurredAt: '2026-03-03T22:00:00Z' },
  'housing/enforcement-action': { problemRef: 'HBC-PROB-1' },
  'housing/da-disclosure': { occurredAt: '2026-03-04T23:00:00Z' },
};

/** One record of every kind, in an order the edges accept (a release after its entry, an exit after its start), each with every field a clause names. */
export function matrixRecords(): { agency: Agency; kind: string; data: Record<string, unknown> }[] {
  const da = {
    agency: 'police' as Agency,
    kind: 'domestic-incident',
    valid: {
      incidentRef: 'MX-DA-1', occurredAt: '2026-03-01T22:15:00Z', location: { ward: 'Victoria', postcode: 'TS24 7AA' }, victim: person('MX-V'),
      perpetrator: person('MX-P'), childrenPresent: [child('MX-C')], dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < 15) },
      professionalJudgement: { riskLevel: 'high', reason: 'escalating threats' },
    },
  };
  const exit = { agency: 'treatment' as Agency, kind: 'episode-exit', valid: { episodeRef: 'ST-EP-1', endedAt: '2026-06-01T10:00:00Z', exit: 'planned', exitReason: 'completed-drug-free' } };
  return [da, ...POLICE_CASES, ...AGENCY_CASES, exit].map((c) => ({
    agency: c.agency,
    kind: c.kind,
    data: { ...(enrich(c.valid) as Record<string, unknown>), ...EXTRAS[`${c.agency}/${c.kind}`] },
  }));
}
