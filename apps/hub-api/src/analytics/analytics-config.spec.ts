import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnalyticsConfig } from './analytics-config';

describe('analytics configuration', () => {
  it('loads the shipped file: the denominator pack-2018 implies, Hartlepool wards, a cost group for every fire', () => {
    const config = loadAnalyticsConfig();
    expect(config.disclosure).toEqual({ suppressBelow: 10, roundTo: 5 });
    expect(config.populations.hartlepool?.all[2017]).toBe(91080);
    expect(config.wards.hartlepool).toEqual(expect.arrayContaining(['victoria', 'headland and harbour', 'rural west', 'rossmere']));
    expect(config.fireEconomicCost.groupOf).toMatchObject({ dwelling: 'buildings-and-vehicles', 'derelict-vehicle': 'buildings-and-vehicles', refuse: 'other' });
  });

  it('names the file and every bad key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'analytics-')), 'indicators.yaml');
    writeFileSync(
      file,
      [
        'disclosure: {suppressBelow: 0, roundTo: 5}',
        'populations:',
        '  hartlepool: {all: {2017: -1, later: 5}, aged10to17: {}}',
        '  darlington: {all: {}}',
        'wards: {hartlepool: Victoria}',
        'fireEconomicCost:',
        '  currency: pounds',
        '  perFire: {buildings: 1000, spare: 1}',
        '  groups: {buildings: [dwelling, castle]}',
      ].join('\n'),
    );
    let message = '';
    try {
      loadAnalyticsConfig(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(file);
    for (const fault of [
      'disclosure.suppressBelow: a whole number from 1',
      'populations.hartlepool.all.2017: a whole number from 1',
      'populations.hartlepool.all.later: a year, YYYY',
      'populations.darlington: unknown local authority',
      'wards.hartlepool: a list of ward names',
      'fireEconomicCost.currency: an ISO 4217 code',
      'fireEconomicCost.groups.buildings: unknown property type castle',
      'fireEconomicCost.groups: no group for other-building',
      'fireEconomicCost.perFire.spare: not a group',
    ]) expect(message).toContain(fault);
  });
});
