import type { YjsTeam } from '../../../../libs/contracts/src/rules/derived-events.dto';
import { isCalendarDate } from '../../../../libs/contracts/src/validators';
import { ageOn } from '../../../../libs/contracts/src/dates';
import { withinMonths } from '../marac/marac-criteria';

export type { YjsTeam };

/** A referral to Cleveland Fire Brigade's Fire Education Intervention team (pack-2025 L710). */
export interface FireSetterReferralFact {
  ref: string;
  subjectId: string;
  referredAt: Date;
  /** YYYY-MM-DD, as the brigade's referral form records it */
  dateOfBirth?: string;
}

export interface YjsCaseFact {
  ref: string;
  subjectId: string;
  team: YjsTeam;
  openedAt: Date;
  closedAt?: Date;
}

export interface FireSetterNotice {
  referralRef: string;
  team: YjsTeam;
  caseRef: string;
}

export const ADULT_AGE_YEARS = 18;
export const LATER_CASE_WINDOW_MONTHS = 12;

/** The key of `alreadyNotified`: one notice per referral and team. */
export function fireSetterNoticeKey(referralRef: string, team: YjsTeam): string {
  return `${referralRef}|${team}`;
}

/**
 * Under 18 on the referral's date, by the UK calendar (`ageOn`, the one age rule of the hub:
 * a 29 February birthday comes on 1 March in other years). An unknown date of birth gives
 * no notice rather than a guess: the brigade's referral form records it, so a missing one
 * is a data fault to fix at source, and telling a YJS about an adult would share without a
 * lawful purpose. A date of birth after the referral is a data fault too.
 */
export function isChildOnReferral(referral: FireSetterReferralFact): boolean {
  if (!isCalendarDate(referral.dateOfBirth)) return false;
  const age = ageOn(referral.dateOfBirth, referral.referredAt);
  return age >= 0 && age < ADULT_AGE_YEARS && Date.parse(`${referral.dateOfBirth}T00:00:00Z`) <= referral.referredAt.getTime();
}

/** Open on the referral date, or opening within 12 calendar months after it (inclusive). */
function caseConcernsReferral(c: YjsCaseFact, referral: FireSetterReferralFact): 'open' | 'opens-later' | undefined {
  const referredAt = referral.referredAt;
  if (c.openedAt <= referredAt) return c.closedAt === undefined || c.closedAt >= referredAt ? 'open' : undefined;
  return withinMonths(c.openedAt, referredAt, LATER_CASE_WINDOW_MONTHS) ? 'opens-later' : undefined;
}

/**
 * Known fire-setters go to the brigade's Fire Education Intervention (pack-2025 L710; the
 * child Firesetter programme, pack-2023 L1924). When the child is open to a YJS, or is taken
 * on by one within 12 months, that YJS is told so its work with the child takes the
 * fire-setting into account. One notice per (referral, team), skipping those already
 * sent; where a team has several cases, the one open at the referral wins, else the first
 * to open. Notices come in the order of the referrals, then of the chosen cases' opening.
 */
export function fireSetterNotices(
  referrals: readonly FireSetterReferralFact[],
  cases: readonly YjsCaseFact[],
  alreadyNotified: ReadonlySet<string>,
): FireSetterNotice[] {
  const notices: FireSetterNotice[] = [];
  const sent = new Set(alreadyNotified);
  for (const referral of referrals) {
    if (!isChildOnReferral(referral)) continue;
    const chosen = new Map<YjsTeam, { c: YjsCaseFact; open: boolean }>();
    for (const c of cases) {
      if (c.subjectId !== referral.subjectId) continue;
      const concern = caseConcernsReferral(c, referral);
      if (!concern) continue;
      const open = concern === 'open';
      const current = chosen.get(c.team);
      if (!current || (open && !current.open) || (open === current.open && c.openedAt < current.c.openedAt)) chosen.set(c.team, { c, open });
    }
    const byOpening = [...chosen.values()].sort((a, b) => a.c.openedAt.getTime() - b.c.openedAt.getTime());
    for (const { c } of byOpening) {
      const key = fireSetterNoticeKey(referral.ref, c.team);
      if (sent.has(key)) continue;
      sent.add(key);
      notices.push({ referralRef: referral.ref, team: c.team, caseRef: c.ref });
    }
  }
  return notices;
}
