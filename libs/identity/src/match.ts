import { groupMembers, isKnownGivenName, nicknameGroups } from './nicknames';
import { NormalisedPerson, transposedDob } from './normalise';

export type MatchDecision = 'link' | 'review' | 'distinct';

export interface MatchResult {
  /** 0..1: 1 for a shared identifier, else the demographic score */
  score: number;
  decision: MatchDecision;
  /** the rule that decided: nhs-number, pnc, crosswalk, name-dob-postcode, score, missing-dob, nhs-conflict, ... */
  rule: string;
  reasons: string[];
}

export type GivenAgreement = 'exact' | 'nickname' | 'typo' | 'nickname-typo' | 'initial' | 'differ' | 'missing';
export type FamilyAgreement = 'exact' | 'part' | 'typo' | 'phonetic' | 'differ' | 'missing';
export type DobAgreement = 'exact' | 'transposed' | 'near' | 'differ' | 'missing';
export type PostcodeAgreement = 'exact' | 'outward' | 'differ' | 'missing';
export type SexAgreement = 'agree' | 'conflict' | 'unknown';

/**
 * Points per field agreement, roughly log-odds: a DOB or given-name disagreement is strong
 * evidence of two people (siblings, twins, parent and child), a surname or postcode
 * disagreement is weak (marriage, moving house). The score is the sum over the maximum.
 */
export const WEIGHTS = {
  given: { exact: 4, nickname: 2.5, typo: 2.5, 'nickname-typo': 1.5, initial: 1, differ: -6, missing: 0 },
  family: { exact: 4, part: 3, typo: 2.5, phonetic: 1, differ: -1.5, missing: 0 },
  dob: { exact: 5, transposed: 3.5, near: 1, differ: -6, missing: 0 },
  postcode: { exact: 3, outward: 1, differ: -0.5, missing: 0 },
  sex: { agree: 1, conflict: -4, unknown: 0 },
} as const;

const MAX_POINTS = WEIGHTS.given.exact + WEIGHTS.family.exact + WEIGHTS.dob.exact + WEIGHTS.postcode.exact + WEIGHTS.sex.agree;

/**
 * Score at/above which a non-link goes to the human review queue: 8.16 of 17 points. Above
 * same-sex twins (surname, DOB and postcode agree, given names differ: 7 points) and above a
 * changed surname with the same given name, DOB and sex that also moved out of the outward
 * area (8 points: on a generated population nine in ten such pairs were strangers sharing a
 * common first name and a birthday); a changed surname at the same address (11.5) or in the
 * same outward area (9.5) is still offered.
 */
export const REVIEW_THRESHOLD = 0.48;

/** At most this many possible matches are offered for one incoming person. */
export const MAX_REVIEWS = 5;

/** Which rule wins when candidates of different subjects link: identifier > crosswalk > demographics. */
export const LINK_RULE_PRIORITY: Readonly<Record<string, number>> = { 'nhs-number': 3, pnc: 3, crosswalk: 2, 'name-dob-postcode': 1 };

// ---------------------------------------------------------------- string similarity

/**
 * Optimal string alignment distance (Damerau-Levenshtein where swapping neighbours is one edit):
 * "jonh" and "john" are 1 apart. Returns `limit + 1` as soon as the distance must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  let before = new Array<number>(cols).fill(0);
  let previous = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1 over at most 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a || !b) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const to = Math.min(b.length - 1, i + window);
    for (let j = Math.max(0, i - window); j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) halfTranspositions++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - halfTranspositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** One slip of the keyboard: one edit apart, or two in a long name that is still very alike. */
function isTypo(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 3) return false;
  const distance = editDistance(a, b, 2);
  return distance <= 1 || (shorter >= 7 && distance === 2 && jaroWinkler(a, b) >= 0.94);
}

// ---------------------------------------------------------------- field agreements

function givenGroupsOf(n: NormalisedPerson): readonly string[] {
  const groups = nicknameGroups(n.given);
  if (groups.length > 0) return groups;
  return n.givenGroup && n.givenGroup !== n.given ? [n.givenGroup] : [];
}

export function compareGiven(a: NormalisedPerson, b: NormalisedPerson): GivenAgreement {
  if (!a.given || !b.given) return 'missing';
  if (a.given === b.given) return 'exact';
  const groupsB = givenGroupsOf(b);
  if (givenGroupsOf(a).some((g) => groupsB.includes(g))) return 'nickname';
  if ((a.given.length === 1 || b.given.length === 1) && a.given[0] === b.given[0]) return 'initial';
  // Tom and Tim are two names, not one mistyped
  if (isKnownGivenName(a.given) && isKnownGivenName(b.given)) return 'differ';
  if (isTypo(a.given, b.given)) return 'typo';
  // a nickname at one agency and a slip at the other: "Stu" and "Staurt"
  const nearVariant = (x: NormalisedPerson, y: NormalisedPerson) =>
    !isKnownGivenName(y.given) && givenGroupsOf(x).some((g) => groupMembers(g).some((name) => isTypo(name, y.given)));
  return nearVariant(a, b) || nearVariant(b, a) ? 'nickname-typo' : 'differ';
}

export function compareFamily(a: NormalisedPerson, b: NormalisedPerson): FamilyAgreement {
  if (!a.family || !b.family) return 'missing';
  if (a.family === b.family) return 'exact';
  if (a.familyParts.length > 1 || b.familyParts.length > 1) {
    if (a.familyParts.some((part) => part.length >= 2 && b.familyParts.includes(part))) return 'part';
  }
  if (isTypo(a.family, b.family)) return 'typo';
  return a.familyCode === b.familyCode ? 'phonetic' : 'differ';
}

export function compareDob(a: NormalisedPerson, b: NormalisedPerson): DobAgreement {
  if (!a.dob || !b.dob) return 'missing';
  if (a.dob === b.dob) return 'exact';
  if (transposedDob(a.dob) === b.dob) return 'transposed';
  let differentDigits = 0;
  for (let i = 0; i < a.dob.length; i++) if (a.dob[i] !== b.dob[i]) differentDigits++;
  return differentDigits === 1 ? 'near' : 'differ';
}

export function comparePostcode(a: NormalisedPerson, b: NormalisedPerson): PostcodeAgreement {
  if (!a.postcode || !b.postcode) return 'missing';
  if (a.postcode === b.postcode) return 'exact';
  return a.outward && a.outward === b.outward ? 'outward' : 'differ';
}

export function compareSex(a: NormalisedPerson, b: NormalisedPerson): SexAgreement {
  const known = (s: string | undefined) => s === 'F' || s === 'M' || s === 'X';
  if (!known(a.sex) || !known(b.sex)) return 'unknown';
  if (a.sex === b.sex) return 'agree';
  return a.sex !== 'X' && b.sex !== 'X' ? 'conflict' : 'unknown';
}

const GIVEN_REASON: Record<GivenAgreement, string> = {
  exact: 'given-name equal', nickname: 'given-name nickname', typo: 'given-name typo', 'nickname-typo': 'given-name nickname typo', initial: 'given-name initial', differ: 'given-name differs', missing: 'given-name missing',
};
const FAMILY_REASON: Record<FamilyAgreement, string> = {
  exact: 'family-name equal', part: 'family-name part shared', typo: 'family-name typo', phonetic: 'family-name sounds alike', differ: 'family-name differs', missing: 'family-name missing',
};
const DOB_REASON: Record<DobAgreement, string> = {
  exact: 'dob equal', transposed: 'dob day/month transposed', near: 'dob one digit differs', differ: 'dob differs', missing: 'dob missing',
};
const POSTCODE_REASON: Record<PostcodeAgreement, string> = {
  exact: 'postcode equal', outward: 'postcode moved (same outward)', differ: 'postcode moved', missing: 'postcode missing',
};

export interface Demographics {
  given: GivenAgreement;
  family: FamilyAgreement;
  dob: DobAgreement;
  postcode: PostcodeAgreement;
  sex: SexAgreement;
  score: number;
  reasons: string[];
}

/** Field by field agreement of names, DOB, postcode and sex, and the score they add up to. */
export function demographics(a: NormalisedPerson, b: NormalisedPerson): Demographics {
  let given = compareGiven(a, b);
  let family = compareFamily(a, b);
  const reasons: string[] = [];
  if (given === 'differ' && family !== 'exact' && a.given === b.family && a.family === b.given) {
    // one agency typed the names into each other's fields
    given = 'typo';
    family = 'typo';
    reasons.push('given and family names swapped');
  } else {
    reasons.push(GIVEN_REASON[given], FAMILY_REASON[family]);
  }
  const dob = compareDob(a, b);
  const postcode = comparePostcode(a, b);
  const sex = compareSex(a, b);
  reasons.push(DOB_REASON[dob], POSTCODE_REASON[postcode]);
  if (sex !== 'unknown') reasons.push(sex === 'agree' ? 'sex equal' : 'sex differs');
  const points = WEIGHTS.given[given] + WEIGHTS.family[family] + WEIGHTS.dob[dob] + WEIGHTS.postcode[postcode] + WEIGHTS.sex[sex];
  const score = Math.round(Math.min(1, Math.max(0, points / MAX_POINTS)) * 1000) / 1000;
  return { given, family, dob, postcode, sex, score, reasons };
}

// ---------------------------------------------------------------- the decision

type IdAgreement = 'equal' | 'differ' | 'missing';
const sameId = (a: string | undefined, b: string | undefined): IdAgreement => (!a || !b ? 'missing' : a === b ? 'equal' : 'differ');

/** Compare two records of (possibly) the same person. Symmetric. */
export function compare(a: NormalisedPerson, b: NormalisedPerson): MatchResult {
  if (a.key === b.key) return { score: 0, decision: 'distinct', rule: 'same-record', reasons: ['same record'] };

  const demo = demographics(a, b);
  const nhs = sameId(a.nhsNumber, b.nhsNumber);
  const pnc = sameId(a.pnc, b.pnc);
  const crosswalk = a.crossRefs.includes(b.key) || b.crossRefs.includes(a.key);
  const idReasons: string[] = [];
  if (nhs !== 'missing') idReasons.push(nhs === 'equal' ? 'nhs-number equal' : 'nhs-number differs');
  if (pnc !== 'missing') idReasons.push(pnc === 'equal' ? 'pnc equal' : 'pnc differs');
  if (crosswalk) idReasons.push('crosswalk');
  const reasons = [...idReasons, ...demo.reasons];

  const identifierRule = nhs === 'equal' ? 'nhs-number' : pnc === 'equal' ? 'pnc' : crosswalk ? 'crosswalk' : undefined;
  const conflictRule = nhs === 'differ' ? 'nhs-conflict' : pnc === 'differ' ? 'pnc-conflict' : undefined;
  const asReview = (rule: string): MatchResult => ({ score: Math.max(demo.score, REVIEW_THRESHOLD), decision: 'review', rule, reasons });

  if (conflictRule) {
    // identifiers that both agree and disagree are a data-quality question for a person
    return identifierRule ? asReview('identifier-conflict') : { score: 0, decision: 'distinct', rule: conflictRule, reasons };
  }
  if (identifierRule) {
    // an identifier keyed against the wrong person (a parent's or twin's NHS number on a child's
    // record) must not merge two people whose DOB or given name plainly differ
    const contradicted = demo.dob === 'differ' || demo.given === 'differ';
    return contradicted ? asReview('identifier-contradicted') : { score: 1, decision: 'link', rule: identifierRule, reasons };
  }

  const exactDemographics = demo.given === 'exact' && demo.family === 'exact' && demo.dob === 'exact' && demo.postcode === 'exact';
  if (exactDemographics) {
    return { score: demo.score, decision: demo.sex === 'conflict' ? 'review' : 'link', rule: 'name-dob-postcode', reasons };
  }

  if (demo.dob === 'missing') {
    // without a DOB only a strong name at the same address is worth a person's time
    const strong =
      ['exact', 'nickname', 'typo', 'nickname-typo'].includes(demo.given) &&
      ['exact', 'part', 'typo'].includes(demo.family) &&
      demo.postcode === 'exact' &&
      demo.sex !== 'conflict';
    return { score: demo.score, decision: strong && demo.score >= REVIEW_THRESHOLD ? 'review' : 'distinct', rule: 'missing-dob', reasons };
  }
  return { score: demo.score, decision: demo.score >= REVIEW_THRESHOLD ? 'review' : 'distinct', rule: 'score', reasons };
}

// ---------------------------------------------------------------- resolving against subjects

export interface Candidate {
  subjectId: string;
  person: NormalisedPerson;
}

export interface Resolution {
  /** the subject to link the incoming person to automatically, if any */
  link?: { subjectId: string; rule: string; score: number; matchedKey: string };
  /** possible matches for a person to review: never auto-merged */
  reviews: { subjectId: string; matchedKey: string; score: number; reasons: string[] }[];
}

interface Scored {
  subjectId: string;
  matchedKey: string;
  result: MatchResult;
}

const priorityOf = (rule: string) => LINK_RULE_PRIORITY[rule] ?? 0;
const strongerLink = (a: Scored, b: Scored) =>
  priorityOf(a.result.rule) - priorityOf(b.result.rule) || a.result.score - b.result.score;

/** Decide for one incoming person against candidate persons (already linked to subjects). */
export function resolve(incoming: NormalisedPerson, candidates: Candidate[]): Resolution {
  const links = new Map<string, Scored>();
  const reviews = new Map<string, Scored>();
  const conflicting = new Set<string>();

  for (const { subjectId, person } of candidates) {
    if (person.key === incoming.key) continue; // the same record, seen again
    const result = compare(incoming, person);
    const scored = { subjectId, matchedKey: person.key, result };
    if (result.decision === 'link') {
      const best = links.get(subjectId);
      if (!best || strongerLink(scored, best) > 0) links.set(subjectId, scored);
    } else if (result.decision === 'review') {
      const best = reviews.get(subjectId);
      if (!best || result.score > best.result.score) reviews.set(subjectId, scored);
    } else if (result.rule === 'nhs-conflict' || result.rule === 'pnc-conflict') {
      conflicting.add(subjectId);
    }
  }

  // a subject holding a record whose identifier contradicts the incoming one is a question, not a link
  const linkable: Scored[] = [];
  for (const scored of links.values()) {
    if (conflicting.has(scored.subjectId)) {
      const demoted = { ...scored, result: { ...scored.result, reasons: ['identifier conflict within subject', ...scored.result.reasons] } };
      reviews.set(scored.subjectId, demoted);
    } else {
      linkable.push(scored);
    }
  }
  linkable.sort((a, b) => strongerLink(b, a));
  const chosen = linkable[0];
  // other subjects the person also links to are possible duplicate subjects
  for (const other of linkable.slice(1)) {
    reviews.set(other.subjectId, { ...other, result: { ...other.result, reasons: [`also links by ${other.result.rule}`, ...other.result.reasons] } });
  }
  if (chosen) reviews.delete(chosen.subjectId);

  return {
    ...(chosen ? { link: { subjectId: chosen.subjectId, rule: chosen.result.rule, score: chosen.result.score, matchedKey: chosen.matchedKey } } : {}),
    reviews: [...reviews.values()]
      .sort((a, b) => b.result.score - a.result.score || (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0))
      .slice(0, MAX_REVIEWS)
      .map(({ subjectId, matchedKey, result }) => ({ subjectId, matchedKey, score: result.score, reasons: result.reasons })),
  };
}
