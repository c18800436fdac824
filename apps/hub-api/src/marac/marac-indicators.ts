import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaracGroup } from '../../../../libs/contracts/src';
import { MaracGroupConfig } from './marac-groups';
import { MARAC_QUEUE } from './marac-queue';

const DAY = 86_400_000;

/** The SafeLives definitions the figures follow (domain.md §4). */
export const INDICATOR_DEFINITIONS = {
  casesHeard: 'cases discussed at a MARAC meeting held in the period (accepted and listed at a meeting that has taken place)',
  repeatRate: 'share of cases heard that were repeats: a further incident within 12 months of the victim’s last MARAC referral',
  per10kAdultWomenPerYear: 'cases heard per 10,000 women aged 18+ in the group’s areas, scaled to a year (population from configuration)',
  nonPoliceShare: 'share of cases heard that an agency other than the police referred, or that the hub raised on another agency’s record',
};

export interface GroupIndicators {
  group: MaracGroup;
  casesHeard: number;
  repeats: number;
  repeatRate: number | null;
  adultWomen: number;
  per10kAdultWomenPerYear: number | null;
  nonPoliceReferred: number;
  nonPoliceShare: number | null;
}

/** MARAC indicators over a period, per group: counts only, about no one in particular. */
@Injectable()
export class MaracIndicatorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly groups: Record<MaracGroup, MaracGroupConfig>,
  ) {}

  async compute(from: Date, to: Date, now = new Date()): Promise<{ from: string; to: string; groups: GroupIndicators[]; definitions: typeof INDICATOR_DEFINITIONS }> {
    const until = new Date(Math.min(to.getTime(), now.getTime()));
    const rows: { marac_group: MaracGroup; heard: number; repeats: number; non_police: number }[] = await this.dataSource.query(
      `SELECT s.marac_group, count(*)::int AS heard, count(*) FILTER (WHERE q.repeat)::int AS repeats, count(*) FILTER (WHERE q.referring_agency <> 'police')::int AS non_police
         FROM hub.marac_screenings s JOIN hub.marac_meetings m ON m.id = s.meeting_id JOIN ${MARAC_QUEUE} q ON q.id = s.referral_id
        WHERE s.decision = 'accepted' AND m.starts_at >= $1 AND m.starts_at < $2
        GROUP BY s.marac_group`,
      [from.toISOString(), until.toISOString()],
    );
    const years = (to.getTime() - from.getTime()) / (365.25 * DAY);
    const share = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 1000 : null);
    const groups = (['north', 'south'] as const).map((group): GroupIndicators => {
      const r = rows.find((x) => x.marac_group === group) ?? { heard: 0, repeats: 0, non_police: 0 };
      const women = this.groups[group].adultWomen;
      return {
        group,
        casesHeard: r.heard,
        repeats: r.repeats,
        repeatRate: share(r.repeats, r.heard),
        adultWomen: women,
        per10kAdultWomenPerYear: years > 0 ? Math.round(((r.heard / years) * 10_000 * 100) / women) / 100 : null,
        nonPoliceReferred: r.non_police,
        nonPoliceShare: share(r.non_police, r.heard),
      };
    });
    return { from: from.toISOString(), to: to.toISOString(), groups, definitions: INDICATOR_DEFINITIONS };
  }
}

export function indicatorsCsv(groups: GroupIndicators[]): string {
  const cols: (keyof GroupIndicators)[] = ['group', 'casesHeard', 'repeats', 'repeatRate', 'adultWomen', 'per10kAdultWomenPerYear', 'nonPoliceReferred', 'nonPoliceShare'];
  return [cols.join(','), ...groups.map((g) => cols.map((c) => (g[c] === null ? '' : String(g[c]))).join(','))].join('\n') + '\n';
}
