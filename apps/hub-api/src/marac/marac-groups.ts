import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LOCAL_AUTHORITIES, MaracGroup } from '../../../../libs/contracts/src';
import { defaultAgreementsDir } from '../../../../libs/isa/src';

export interface MaracGroupConfig {
  areas: string[];
  firstMeeting: Date;
  everyDays: number;
  cap: number;
  researchDays: number;
  attendees: string[];
  /** women aged 18+ living in the group's areas (configuration) */
  adultWomen: number;
}

const DAY = 86_400_000;

/** deploy/marac/groups.yaml, checked: a fault names the file and the field. */
export function loadMaracGroups(file = process.env.MARAC_GROUPS_FILE ?? join(defaultAgreementsDir(), '..', 'marac', 'groups.yaml')): Record<MaracGroup, MaracGroupConfig> {
  const doc = parse(readFileSync(file, 'utf8')) as { groups?: Record<string, Record<string, unknown>>; adultWomen?: Record<string, unknown> };
  const faults: string[] = [];
  const out = {} as Record<MaracGroup, MaracGroupConfig>;
  for (const group of ['north', 'south'] as const) {
    const g = doc?.groups?.[group];
    if (!g) {
      faults.push(`groups.${group}: missing`);
      continue;
    }
    const num = (key: string, min: number) => (Number.isInteger(g[key]) && (g[key] as number) >= min ? (g[key] as number) : (faults.push(`groups.${group}.${key}: a whole number from ${min}`), 0));
    const list = (key: string) => (Array.isArray(g[key]) && (g[key] as unknown[]).every((x) => typeof x === 'string') ? (g[key] as string[]) : (faults.push(`groups.${group}.${key}: a list of names`), []));
    const first = new Date(String(g.firstMeeting));
    if (Number.isNaN(first.getTime())) faults.push(`groups.${group}.firstMeeting: an ISO date-time`);
    const areas = list('areas');
    for (const a of areas) if (!(LOCAL_AUTHORITIES as readonly string[]).includes(a)) faults.push(`groups.${group}.areas: unknown local authority ${a}`);
    const women = areas.map((a) => doc?.adultWomen?.[a]);
    if (!women.every((n) => Number.isInteger(n) && (n as number) > 0)) faults.push(`adultWomen: a whole number for each of ${areas.join(', ')}`);
    out[group] = {
      areas, firstMeeting: first, everyDays: num('everyDays', 1), cap: num('cap', 1), researchDays: num('researchDays', 0), attendees: list('attendees'),
      adultWomen: women.reduce<number>((sum, n) => sum + (Number(n) || 0), 0),
    };
  }
  if (faults.length) throw new Error(`MARAC groups ${file} cannot be used: ${faults.join('; ')}`);
  return out;
}

/** The first meeting of the series starting at or after `from`. */
export function nextMeetingAt(config: MaracGroupConfig, from: Date): Date {
  const step = config.everyDays * DAY;
  const k = Math.max(0, Math.ceil((from.getTime() - config.firstMeeting.getTime()) / step));
  return new Date(config.firstMeeting.getTime() + k * step);
}

/** The meeting after this one. */
export const followingMeetingAt = (config: MaracGroupConfig, at: Date) => new Date(at.getTime() + config.everyDays * DAY);
