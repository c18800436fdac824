import { Agreement, Purpose } from './agreement';

/** What stands now about one subject's consent to sharing for one purpose. */
export interface ConsentStatus {
  /** the latest statement; `not-asked` when there is none */
  state: 'given' | 'refused' | 'withdrawn' | 'not-asked';
  statedAt?: string;
  /** the latest override, only if it is later than the latest statement (a new statement supersedes it) */
  override?: { reason: string; decisionMaker: string; decidedAt: string };
}

export type ConsentDecision = { permitted: true; basis: string } | { permitted: false; reason: string };

/**
 * The status from a subject's statements and overrides for one purpose, in the order they
 * were recorded: the latest by time stated (ties: the one recorded last), and the latest
 * override by time decided if it is strictly later than that statement.
 */
export function consentStatus(
  statements: readonly { state: 'given' | 'refused' | 'withdrawn'; statedAt: string }[],
  overrides: readonly { reason: string; decisionMaker: string; decidedAt: string }[],
): ConsentStatus {
  const statement = latest(statements, (s) => s.statedAt);
  const override = latest(overrides, (o) => o.decidedAt);
  const status: ConsentStatus = statement ? { state: statement.state, statedAt: statement.statedAt } : { state: 'not-asked' };
  if (override && (!statement || Date.parse(override.decidedAt) > Date.parse(statement.statedAt))) {
    status.override = { reason: override.reason, decisionMaker: override.decisionMaker, decidedAt: override.decidedAt };
  }
  return status;
}

/**
 * Whether the consent position lets sharing go ahead for a purpose, by the agreement's
 * consent route: `not-relied-on` shares on the lawful basis whatever the person said;
 * `sought-where-safe` shares unless consent was refused or withdrawn and not overridden;
 * `required` shares only with consent given or an override. An override counts only for a
 * reason the purpose lists.
 */
export function consentPermits(purpose: Purpose, status: ConsentStatus): ConsentDecision {
  const { route, overrideReasons } = purpose.consent;
  const said = status.state === 'not-asked' ? 'consent has not been asked' : `consent was ${status.state} on ${status.statedAt}`;
  if (route === 'not-relied-on') {
    const basis = `${purpose.title} does not rely on consent: sharing rests on its lawful basis (${purpose.lawfulBasis.article6}); ${said}`;
    return { permitted: true, basis };
  }
  if (status.state === 'given') return { permitted: true, basis: `${said} for ${purpose.title}` };
  const o = status.override;
  if (o && overrideReasons.includes(o.reason)) {
    return { permitted: true, basis: `${said}; overridden for ${purpose.title} by ${o.decisionMaker} on ${o.decidedAt}: ${o.reason}` };
  }
  if (route === 'sought-where-safe' && status.state === 'not-asked') {
    const basis = `${said}: ${purpose.title} seeks consent where safe and shares on its lawful basis (${purpose.lawfulBasis.article6}) meanwhile`;
    return { permitted: true, basis };
  }
  // An override for a reason the purpose does not (or no longer) allow is named, not silently ignored.
  const ignored = o ? `; the override of ${o.decidedAt} does not count: its reason is not one ${purpose.title} allows` : '';
  const needs = route === 'required' ? `${purpose.title} requires consent and ${said}` : `${said} for ${purpose.title}`;
  return { permitted: false, reason: `${needs}; no override stands${ignored}` };
}

/**
 * A purpose as the agreements define it: from the signed agreement in force today if one
 * covers it (the one the policy decision point uses), otherwise from any that covers it.
 */
export function purposeOf(agreements: readonly Agreement[], purpose: string, at = new Date()): Purpose | undefined {
  const day = at.toISOString().slice(0, 10);
  const covering = agreements.filter((a) => Object.prototype.hasOwnProperty.call(a.purposes, purpose));
  const live = covering.find((a) => a.status === 'signed' && a.effectiveFrom <= day && day <= a.expiresOn);
  return (live ?? covering[0])?.purposes[purpose];
}

function latest<T>(items: readonly T[], time: (item: T) => string): T | undefined {
  return items.reduce<T | undefined>((best, item) => (best === undefined || Date.parse(time(item)) >= Date.parse(time(best)) ? item : best), undefined);
}
