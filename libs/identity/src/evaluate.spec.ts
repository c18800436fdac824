import { evaluate, generatePopulation } from './index';

describe('evaluate (2,000 generated people)', () => {
  const population = generatePopulation({ people: 2000, seed: 20261123 });
  const progress: number[] = [];
  const figures = evaluate(population, { onProgress: (done) => progress.push(done) });

  it('prints the figures', () => {
    const { auto, review, withReview, blocking, timing } = figures;
    console.log(
      [
        `identity evaluation: ${figures.truePeople} people, ${figures.records} records, ${figures.truePairs} true pairs, ${figures.subjectsCreated} subjects`,
        `auto links: precision ${auto.precision}, recall ${auto.recall}, links by rule ${JSON.stringify(auto.linksByRule)}, false links ${auto.falseLinks}`,
        `review queue: ${review.items} items (${review.itemsPerRecord} per record), ${review.trueShare} true`,
        `with review: precision ${withReview.precision}, recall ${withReview.recall}`,
        `blocking: ${blocking.keysPerRecord} keys/record, ${blocking.meanCandidates} candidates/record (max ${blocking.maxCandidates}), pair recall ${blocking.pairRecall}`,
        `missed after review: ${JSON.stringify(figures.missedPairsByRule)}`,
        `time: ${timing.microsPerRecord} µs/record`,
      ].join('\n'),
    );
  });

  it('auto-links with precision ≥ 0.99', () => {
    expect(figures.auto.precision).toBeGreaterThanOrEqual(0.99);
  });

  it('finds ≥ 95% of true pairs with the review queue', () => {
    expect(figures.withReview.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('counts consistently', () => {
    expect(figures.records).toBe(population.records.length);
    expect(figures.truePeople).toBe(2000);
    expect(figures.auto.truePairsFound).toBeLessThanOrEqual(figures.withReview.truePairsFound);
    expect(figures.review.trueItems).toBeLessThanOrEqual(figures.review.items);
    expect(Object.values(figures.auto.linksByRule).reduce((a, b) => a + b, 0)).toBe(figures.auto.links);
    expect(figures.subjectsCreated + figures.auto.links).toBe(figures.records);
    expect(progress[progress.length - 1]).toBe(figures.records);
  });
});
