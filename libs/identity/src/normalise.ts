import { nicknameGroup, nicknameGroups } from './nicknames';

/** A person as one agency knows them (subset of the agency PersonDto). */
export interface PersonRecord {
  agency: string;
  /** the agency's own id */
  personRef: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  /** F M X U */
  sex?: string;
  /** full UK postcode, any case/spacing */
  postcode?: string;
  nhsNumber?: string;
  /** e.g. 12/345678A */
  pnc?: string;
  /** refs of the same person at other agencies, asserted by this agency (crosswalk) */
  crossRefs?: { agency: string; personRef: string }[];
}

/** A person record reduced to the forms the matcher compares. */
export interface NormalisedPerson {
  agency: string;
  personRef: string;
  /** lower-case ascii letters only */
  given: string;
  /** nickname group key, or `given` when the table does not know the name */
  givenGroup: string;
  /** lower-case letters only: "Smith-Jones" -> "smithjones" */
  family: string;
  /** ["smith", "jones"] for hyphenated or double-barrelled names, else [family] */
  familyParts: string[];
  /** Soundex of `family` */
  familyCode: string;
  dob?: string;
  birthYear?: number;
  sex?: string;
  /** upper-case, no spaces: "TS247AA" */
  postcode?: string;
  /** "TS24" */
  outward?: string;
  nhsNumber?: string;
  pnc?: string;
  /** ["police:CP-P-1001", ...] */
  crossRefs: string[];
  /** `${agency}:${personRef}` */
  key: string;
}

/** Letters that NFD does not decompose into a base letter plus a mark. */
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lower-case ascii letters only: diacritics stripped, everything else dropped ("Zoë O'Neil" -> "zoeoneil"). */
export function asciiLetters(value: string): string {
  return value
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLDS[c])
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
}

/** Surname particles that belong to the following word ("Mc Donald", "De La Cruz"), not a part of their own. */
const PARTICLES = new Set(['o', 'mc', 'mac', 'de', 'da', 'di', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'st', 'al', 'el', 'ap']);

/** The words of a surname: hyphens and spaces separate, apostrophes do not; particles join the next word. */
export function surnameParts(familyName: string): string[] {
  const words = familyName
    .replace(/['’`]/g, '')
    .split(/[\s\-‐–]+/)
    .map(asciiLetters)
    .filter((w) => w.length > 0);
  const parts: string[] = [];
  let pending = '';
  for (const word of words) {
    if (PARTICLES.has(word)) {
      pending += word;
      continue;
    }
    parts.push(pending + word);
    pending = '';
  }
  if (pending) parts.push(pending);
  return parts;
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3',
  l: '4',
  m: '5', n: '5',
  r: '6',
};

/** American Soundex (H and W do not separate equal codes; vowels do). "" for an empty name. */
export function soundex(letters: string): string {
  if (!letters) return '';
  let code = letters[0].toUpperCase();
  let previous = SOUNDEX_CODES[letters[0]] ?? '';
  for (let i = 1; i < letters.length && code.length < 4; i++) {
    const c = letters[i];
    if (c === 'h' || c === 'w') continue;
    const digit = SOUNDEX_CODES[c] ?? '';
    if (digit && digit !== previous) code += digit;
    previous = digit;
  }
  return code.padEnd(4, '0');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/;
/** PNC id: two-digit year, serial (leading zeros are not significant), check letter. */
const PNC = /^(\d{2})\/?0*(\d{1,7})([A-Z])$/;

/** Upper-case without spaces; undefined when empty. */
export function normalisePostcode(value: string | undefined): string | undefined {
  const compact = value?.toUpperCase().replace(/\s+/g, '');
  return compact ? compact : undefined;
}

/** The outward code ("TS24" of "TS247AA"), when the postcode is a full UK postcode. */
export function outwardCode(postcode: string | undefined): string | undefined {
  return postcode && POSTCODE.test(postcode) ? postcode.slice(0, -3) : undefined;
}

export function normalisePnc(value: string | undefined): string | undefined {
  const compact = value?.toUpperCase().replace(/\s+/g, '');
  if (!compact) return undefined;
  const m = PNC.exec(compact);
  return m ? `${m[1]}/${m[2]}${m[3]}` : compact;
}

export function normaliseNhsNumber(value: string | undefined): string | undefined {
  const digits = value?.replace(/[\s-]+/g, '');
  return digits ? digits : undefined;
}

function normaliseSex(value: string | undefined): string | undefined {
  const s = value?.trim().toUpperCase().charAt(0);
  return s === 'F' || s === 'M' || s === 'X' || s === 'U' ? s : undefined;
}

export const recordKey = (agency: string, personRef: string) => `${agency}:${personRef}`;

export function normalisePerson(p: PersonRecord): NormalisedPerson {
  const agency = p.agency.trim();
  const personRef = p.personRef.trim();
  const key = recordKey(agency, personRef);
  const given = asciiLetters(p.givenName);
  // "Mary Ann" is not in the table; her first name's group is the best guess
  const firstGiven = asciiLetters(p.givenName.trim().split(/[\s-]+/)[0] ?? '');
  const givenGroup = nicknameGroup(given) ?? nicknameGroup(firstGiven) ?? given;
  const parts = surnameParts(p.familyName);
  const family = parts.join('');
  const dob = p.dateOfBirth && ISO_DATE.test(p.dateOfBirth.trim()) ? p.dateOfBirth.trim() : undefined;
  const postcode = normalisePostcode(p.postcode);
  const crossRefs = [...new Set((p.crossRefs ?? []).map((r) => recordKey(r.agency.trim(), r.personRef.trim())))].filter((k) => k !== key);
  return {
    agency,
    personRef,
    given,
    givenGroup,
    family,
    familyParts: parts.length > 0 ? parts : [family],
    familyCode: soundex(family),
    dob,
    birthYear: dob ? Number(dob.slice(0, 4)) : undefined,
    sex: normaliseSex(p.sex),
    postcode,
    outward: outwardCode(postcode),
    nhsNumber: normaliseNhsNumber(p.nhsNumber),
    pnc: normalisePnc(p.pnc),
    crossRefs,
    key,
  };
}

/** The date with day and month swapped, when that is also a date and differs ("1980-03-05" -> "1980-05-03"). */
export function transposedDob(dob: string): string | undefined {
  const m = ISO_DATE.exec(dob);
  if (!m || m[2] === m[3] || Number(m[3]) > 12) return undefined;
  return `${m[1]}-${m[3]}-${m[2]}`;
}

/**
 * Keys for candidate search: two records that could be the same person share at least one.
 * The record's own ref (so crosswalks asserted by others find it) and its crosswalk targets,
 * identifiers, date of birth and its day/month transposition, surname sound + birth year, and
 * given-name group and surname sound at the same postcode (which catch a missing DOB). Typically
 * 5–7, at most 9 plus one per crosswalk (an ambiguous diminutive such as Sam has two groups).
 */
export function blockingKeys(n: NormalisedPerson): string[] {
  const keys = [`ref:${n.key}`];
  for (const target of n.crossRefs) keys.push(`ref:${target}`);
  if (n.nhsNumber) keys.push(`nhs:${n.nhsNumber}`);
  if (n.pnc) keys.push(`pnc:${n.pnc}`);
  if (n.dob) {
    keys.push(`dob:${n.dob}`);
    const swapped = transposedDob(n.dob);
    if (swapped) keys.push(`dob:${swapped}`);
  }
  if (n.familyCode && n.birthYear) keys.push(`ny:${n.familyCode}:${n.birthYear}`);
  if (n.postcode) {
    // an ambiguous diminutive (Sandy: Alexander or Sandra) is filed under each of its groups
    const groups = nicknameGroups(n.given);
    for (const group of groups.length > 1 ? groups.slice(0, 2) : [n.givenGroup]) if (group) keys.push(`gp:${group}:${n.postcode}`);
    if (n.familyCode) keys.push(`fp:${n.familyCode}:${n.postcode}`);
  }
  return keys;
}
