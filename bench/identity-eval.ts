import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { evaluate, generatePopulation, MAX_REVIEWS, NICKNAME_GROUP_COUNT, REVIEW_THRESHOLD, WEIGHTS } from '../libs/identity/src';
import { ROOT } from '../test/support/services';
import { fmtInt, table } from './support/stats';

/**
 * Person-matching evaluation (`npm run eval:identity`). Not a test: it generates a population
 * with known true links, resolves it record by record as consolidation does, prints precision
 * and recall, and writes bench/results/identity-<ISO timestamp>.json. Progress goes to stderr.
 * Figures are of synthetic records only; nothing personal is printed.
 *
 * Options (env or --name=value): IDENTITY_EVAL_PEOPLE (20000) true people, IDENTITY_EVAL_SEED (20261123).
 */

const AIMS = { autoPrecision: 0.99, recallWithReview: 0.95 };

function option(name: string, fallback: number): number {
  const flag = `--${name.replace(/^IDENTITY_EVAL_/, '').toLowerCase()}=`;
  const arg = process.argv.find((a) => a.startsWith(flag));
  const value = Number((arg ? arg.slice(flag.length) : (process.env[name] ?? String(fallback))).replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}


const say = (msg: string) => process.stdout.write(msg + '\n');
const progress = (msg: string) => process.stderr.write(msg + '\n');
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function main(): void {
  const startedAt = new Date();
  const people = option('IDENTITY_EVAL_PEOPLE', 20000);
  const seed = option('IDENTITY_EVAL_SEED', 20261123);

  progress(`generating ${fmtInt(people)} people (seed ${seed})...`);
  const generateStarted = performance.now();
  const population = generatePopulation({ people, seed });
  const generateMs = performance.now() - generateStarted;
  progress(`  ${fmtInt(population.records.length)} records in ${(generateMs / 1000).toFixed(1)} s`);

  const figures = evaluate(population, {
    onProgress: (done, total) => progress(`resolving ${fmtInt(done)}/${fmtInt(total)} records (${Math.floor((100 * done) / total)}%)`),
  });
  const { auto, review, withReview, blocking, clusters, timing } = figures;
  const met = {
    autoPrecision: auto.precision >= AIMS.autoPrecision,
    recallWithReview: withReview.recall >= AIMS.recallWithReview,
  };

  const rule = (name: string) => `${fmtInt(auto.linksByRule[name] ?? 0)} (${fmtInt(auto.falseLinksByRule[name] ?? 0)} false)`;
  say('');
  say(
    table([
      ['figure', 'value', 'aim'],
      ['true people / records', `${fmtInt(figures.truePeople)} / ${fmtInt(figures.records)}`, ''],
      ['true record pairs', fmtInt(figures.truePairs), ''],
      ['subjects created', fmtInt(figures.subjectsCreated), ''],
      ['auto-link precision (pairwise)', pct(auto.precision), `≥ ${pct(AIMS.autoPrecision)} ${met.autoPrecision ? 'met' : 'MISSED'}`],
      ['auto-link recall (pairwise)', pct(auto.recall), ''],
      ['  links by nhs-number', rule('nhs-number'), ''],
      ['  links by pnc', rule('pnc'), ''],
      ['  links by crosswalk', rule('crosswalk'), ''],
      ['  links by name-dob-postcode', rule('name-dob-postcode'), ''],
      ['review queue items', `${fmtInt(review.items)} (${review.itemsPerRecord} per record)`, ''],
      ['  true matches among them', pct(review.trueShare), ''],
      ['recall with review (pairwise)', pct(withReview.recall), `≥ ${pct(AIMS.recallWithReview)} ${met.recallWithReview ? 'met' : 'MISSED'}`],
      ['precision with review (pairwise)', pct(withReview.precision), ''],
      ['people whole, auto / with review', `${pct(clusters.peopleWholeAuto / figures.truePeople)} / ${pct(clusters.peopleWholeWithReview / figures.truePeople)}`, ''],
      ['subjects mixing two people', fmtInt(clusters.mixedSubjects), ''],
      ['blocking pair recall (ceiling)', pct(blocking.pairRecall), ''],
      ['candidates per record, mean / max', `${blocking.meanCandidates} / ${blocking.maxCandidates}`, ''],
      ['time per record', `${timing.microsPerRecord} µs`, ''],
    ]),
  );
  say(`\ntrue pairs still apart after review, by rule: ${JSON.stringify(figures.missedPairsByRule)}`);

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `identity-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  const result = {
    benchmark: 'identity-eval',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { people, seed },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, platform: platform(), release: release(), node: process.version },
    matcher: { reviewThreshold: REVIEW_THRESHOLD, maxReviews: MAX_REVIEWS, weights: WEIGHTS, nicknameGroups: NICKNAME_GROUP_COUNT },
    generateMs: Math.round(generateMs),
    aims: AIMS,
    met,
    figures,
  };
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  say(`\nresults written to ${file}`);
}

main();
