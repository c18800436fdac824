import { Candidate, compare, resolve } from './match';
import { blockingKeys, NormalisedPerson, normalisePerson } from './normalise';
import { Population } from './population';

/**
 * Runs the resolver over a population the way consolidation does (one record at a time, in
 * arrival order, candidates from an inverted index on blocking keys, an auto link joins the
 * subject, otherwise a new subject) and measures the result against the truth.
 */

export interface EvaluationOptions {
  /** called every `progressEvery` records and at the end */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

export interface PairFigures {
  /** record pairs placed in the same cluster */
  predictedPairs: number;
  /** of which belong to the same true person */
  truePairsFound: number;
  precision: number;
  recall: number;
}

export interface EvaluationFigures {
  records: number;
  truePeople: number;
  /** record pairs of the same true person */
  truePairs: number;
  subjectsCreated: number;
  blocking: {
    keysPerRecord: number;
    meanCandidates: number;
    maxCandidates: number;
    /** true pairs sharing at least one blocking key: the ceiling on recall */
    pairRecall: number;
  };
  /** pairwise over the transitive closure of automatic links (the subjects) */
  auto: PairFigures & { links: number; linksByRule: Record<string, number>; falseLinks: number; falseLinksByRule: Record<string, number> };
  review: {
    items: number;
    /** items whose incoming and matched records are the same true person */
    trueItems: number;
    trueShare: number;
    recordsWithReview: number;
    itemsPerRecord: number;
  };
  /** a reviewer confirms true items and rejects false ones; pairwise over the closure */
  withReview: PairFigures & { clusters: number };
  clusters: {
    /** true people whose records form exactly one subject with nobody else's */
    peopleWholeAuto: number;
    peopleWholeWithReview: number;
    /** subjects holding records of more than one true person */
    mixedSubjects: number;
  };
  /** true pairs still apart after review, by what compare() says of them ('unblocked' when no key is shared) */
  missedPairsByRule: Record<string, number>;
  timing: { totalMs: number; microsPerRecord: number };
}

class UnionFind {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[ra] = rb;
  }
}

const pairs = (n: number) => (n * (n - 1)) / 2;
const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 10000) / 10000);
const increment = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

function pairFigures(clusterOf: readonly number[], personOf: readonly number[], truePairs: number): PairFigures {
  const clusterSizes = new Map<number, number>();
  const cellSizes = new Map<string, number>();
  clusterOf.forEach((cluster, i) => {
    clusterSizes.set(cluster, (clusterSizes.get(cluster) ?? 0) + 1);
    const cell = `${cluster}|${personOf[i]}`;
    cellSizes.set(cell, (cellSizes.get(cell) ?? 0) + 1);
  });
  let predictedPairs = 0;
  for (const n of clusterSizes.values()) predictedPairs += pairs(n);
  let truePairsFound = 0;
  for (const n of cellSizes.values()) truePairsFound += pairs(n);
  return { predictedPairs, truePairsFound, precision: ratio(truePairsFound, predictedPairs), recall: ratio(truePairsFound, truePairs) };
}

/** True people whose records are all in one cluster that holds no one else. */
function wholePeople(clusterOf: readonly number[], personOf: readonly number[]): number {
  const clustersOfPerson = new Map<number, Set<number>>();
  const peopleOfCluster = new Map<number, Set<number>>();
  clusterOf.forEach((cluster, i) => {
    (clustersOfPerson.get(personOf[i]) ?? clustersOfPerson.set(personOf[i], new Set()).get(personOf[i])!).add(cluster);
    (peopleOfCluster.get(cluster) ?? peopleOfCluster.set(cluster, new Set()).get(cluster)!).add(personOf[i]);
  });
  let whole = 0;
  for (const clusters of clustersOfPerson.values()) {
    if (clusters.size === 1 && peopleOfCluster.get([...clusters][0])!.size === 1) whole++;
  }
  return whole;
}

export function evaluate(population: Population, options: EvaluationOptions = {}): EvaluationFigures {
  const { records, truth } = population;
  const total = records.length;
  const progressEvery = options.progressEvery ?? Math.max(1, Math.floor(total / 20));

  // true person of each record, as small integers
  const personIds = new Map<string, number>();
  const personOf: number[] = [];
  const normalised: NormalisedPerson[] = [];
  const keysOf: string[][] = [];
  const indexOfKey = new Map<string, number>();
  const subjectOf: number[] = [];
  const index = new Map<string, number[]>();

  const linksByRule: Record<string, number> = {};
  const falseLinksByRule: Record<string, number> = {};
  const reviewItems: { record: number; matched: number }[] = [];
  let links = 0;
  let falseLinks = 0;
  let recordsWithReview = 0;
  let subjects = 0;
  let candidateTotal = 0;
  let maxCandidates = 0;
  let keyTotal = 0;
  let elapsedMs = 0;

  for (let i = 0; i < total; i++) {
    const record = records[i];
    const started = performance.now();
    const person = normalisePerson(record);
    const keys = blockingKeys(person);
    const seen = new Set<number>();
    const candidates: Candidate[] = [];
    for (const key of keys) {
      for (const j of index.get(key) ?? []) {
        if (seen.has(j)) continue;
        seen.add(j);
        candidates.push({ subjectId: String(subjectOf[j]), person: normalised[j] });
      }
    }
    const resolution = resolve(person, candidates);
    const subject = resolution.link ? Number(resolution.link.subjectId) : subjects++;
    for (const key of keys) {
      const bucket = index.get(key);
      if (bucket) bucket.push(i);
      else index.set(key, [i]);
    }
    elapsedMs += performance.now() - started;

    const truePerson = truth.get(person.key);
    if (truePerson === undefined) throw new Error(`no truth for record ${i}`);
    if (!personIds.has(truePerson)) personIds.set(truePerson, personIds.size);
    personOf.push(personIds.get(truePerson)!);
    normalised.push(person);
    keysOf.push(keys);
    indexOfKey.set(person.key, i);
    subjectOf.push(subject);
    candidateTotal += candidates.length;
    maxCandidates = Math.max(maxCandidates, candidates.length);
    keyTotal += keys.length;

    if (resolution.link) {
      links++;
      increment(linksByRule, resolution.link.rule);
      if (personOf[indexOfKey.get(resolution.link.matchedKey)!] !== personOf[i]) {
        falseLinks++;
        increment(falseLinksByRule, resolution.link.rule);
      }
    }
    if (resolution.reviews.length > 0) recordsWithReview++;
    for (const review of resolution.reviews) reviewItems.push({ record: i, matched: indexOfKey.get(review.matchedKey)! });

    if ((i + 1) % progressEvery === 0 || i + 1 === total) options.onProgress?.(i + 1, total);
  }

  // truth side
  const recordsOfPerson = new Map<number, number[]>();
  personOf.forEach((p, i) => (recordsOfPerson.get(p) ?? recordsOfPerson.set(p, []).get(p)!).push(i));
  let truePairs = 0;
  let blockedPairs = 0;
  for (const members of recordsOfPerson.values()) {
    truePairs += pairs(members.length);
    for (let x = 0; x < members.length; x++) {
      const keys = new Set(keysOf[members[x]]);
      for (let y = x + 1; y < members.length; y++) if (keysOf[members[y]].some((k) => keys.has(k))) blockedPairs++;
    }
  }

  // a reviewer confirms the true items: join those records' clusters
  const closure = new UnionFind(total);
  const firstOfSubject = new Map<number, number>();
  subjectOf.forEach((s, i) => {
    const first = firstOfSubject.get(s);
    if (first === undefined) firstOfSubject.set(s, i);
    else closure.union(first, i);
  });
  let trueItems = 0;
  for (const { record, matched } of reviewItems) {
    if (personOf[record] !== personOf[matched]) continue;
    trueItems++;
    closure.union(record, matched);
  }
  const clusterWithReview = subjectOf.map((_, i) => closure.find(i));

  const missedPairsByRule: Record<string, number> = {};
  for (const members of recordsOfPerson.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const [a, b] = [members[x], members[y]];
        if (clusterWithReview[a] === clusterWithReview[b]) continue;
        const shared = keysOf[a].some((k) => keysOf[b].includes(k));
        increment(missedPairsByRule, shared ? `${compare(normalised[a], normalised[b]).rule}` : 'unblocked');
      }
    }
  }

  const peopleOfSubject = new Map<number, Set<number>>();
  subjectOf.forEach((s, i) => (peopleOfSubject.get(s) ?? peopleOfSubject.set(s, new Set()).get(s)!).add(personOf[i]));

  return {
    records: total,
    truePeople: recordsOfPerson.size,
    truePairs,
    subjectsCreated: subjects,
    blocking: {
      keysPerRecord: Math.round((keyTotal / Math.max(1, total)) * 100) / 100,
      meanCandidates: Math.round((candidateTotal / Math.max(1, total)) * 100) / 100,
      maxCandidates,
      pairRecall: ratio(blockedPairs, truePairs),
    },
    auto: { ...pairFigures(subjectOf, personOf, truePairs), links, linksByRule, falseLinks, falseLinksByRule },
    review: {
      items: reviewItems.length,
      trueItems,
      trueShare: ratio(trueItems, reviewItems.length),
      recordsWithReview,
      itemsPerRecord: Math.round((reviewItems.length / Math.max(1, total)) * 1000) / 1000,
    },
    withReview: { ...pairFigures(clusterWithReview, personOf, truePairs), clusters: new Set(clusterWithReview).size },
    clusters: {
      peopleWholeAuto: wholePeople(subjectOf, personOf),
      peopleWholeWithReview: wholePeople(clusterWithReview, personOf),
      mixedSubjects: [...peopleOfSubject.values()].filter((people) => people.size > 1).length,
    },
    missedPairsByRule,
    timing: { totalMs: Math.round(elapsedMs), microsPerRecord: Math.round((elapsedMs * 1000) / Math.max(1, total) * 10) / 10 },
  };
}
