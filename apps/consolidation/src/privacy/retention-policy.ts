import { Counter } from 'prom-client';
import { AGENCIES } from '../../../../libs/contracts/src';
import { Agreement, retentionByAgency, subtractDuration } from '../../../../libs/isa/src';
import { registry } from '../../../../libs/platform/src';

export const recordsExpiredAtIntake = new Counter({
  name: 'hub_records_expired_at_intake_total',
  help: 'Agency records consolidation did not store because they were already past their agency retention when they arrived (e.g. a replay)',
  labelNames: ['agency'] as const,
  registers: [registry],
});

/**
 * How long consolidation keeps each agency's records, from the information-sharing
 * agreements (`retentionByAgency`: the longest period any purpose gives the agency's
 * parties). An agency without one is kept: see `retentionByAgency`.
 */
export class RetentionPolicy {
  constructor(public byAgency: Map<string, string>) {}

  static fromAgreements(agreements: Agreement[]): RetentionPolicy {
    return new RetentionPolicy(RetentionPolicy.periods(agreements));
  }

  /** The agencies whose records reach the hub (parties may list others, such as the council's `hbc`). */
  private static periods(agreements: Agreement[]): Map<string, string> {
    const all = retentionByAgency(agreements);
    return new Map(AGENCIES.filter((a) => all.has(a)).map((a) => [a, all.get(a)!]));
  }

  /** A new agreement version takes effect at the next intake and sweep, without a restart. */
  replace(agreements: Agreement[]): void {
    this.byAgency = RetentionPolicy.periods(agreements);
  }

  /** Records of the agency that happened before this are past retention; undefined: keep them all. */
  cutoff(agency: string, now: Date): Date | undefined {
    const iso = this.byAgency.get(agency);
    return iso ? subtractDuration(now, iso) : undefined;
  }

  /** Each agency's cutoff at `now`. */
  cutoffs(now: Date): Map<string, Date> {
    return new Map([...this.byAgency.keys()].map((agency) => [agency, this.cutoff(agency, now)!]));
  }
}
