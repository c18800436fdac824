import { Agreement, Clause } from './agreement';

export interface AccessRequest {
  roles: readonly string[];
  purpose: string;
  /** the CloudEvents type of the record asked about */
  source: string;
  at?: Date;
}

export type Decision =
  | { effect: 'deny'; reason: string; agreement?: string; version?: string }
  | { effect: 'signpost'; agreement: string; version: string; clause: string }
  | { effect: 'fields'; agreement: string; version: string; clause: string; fields: string[] };

/**
 * The policy decision point: default deny. A request is allowed only under a signed
 * agreement in force on the day, for a purpose that names one of the requester's roles, by
 * a clause for that role and that kind of record; the clause says which fields, or a
 * signpost (the record exists and which agency holds it, nothing more).
 */
export class PolicyDecisionPoint {
  constructor(private agreements: Agreement[]) {}

  /** Agreements change without a restart: the next decision uses the new versions. */
  replace(agreements: Agreement[]): void {
    this.agreements = agreements;
  }

  /** The agreements now loaded (they change without a restart). */
  current(): readonly Agreement[] {
    return this.agreements;
  }

  /** May any of these roles state this purpose under an agreement in force? */
  purposeAllowed(roles: readonly string[], purpose: string, at = new Date()): Decision {
    const found = this.inForce(purpose, at);
    if ('reason' in found) return { effect: 'deny', reason: found.reason };
    const { agreement } = found;
    if (!agreement.purposes[purpose].roles.some((r) => roles.includes(r))) {
      return { effect: 'deny', reason: `role ${roles.join(',')} may not act for purpose ${purpose}`, agreement: agreement.id, version: agreement.version };
    }
    return { effect: 'signpost', agreement: agreement.id, version: agreement.version, clause: `${purpose}:purpose` };
  }

  decide(request: AccessRequest): Decision {
    const at = request.at ?? new Date();
    const allowed = this.purposeAllowed(request.roles, request.purpose, at);
    if (allowed.effect === 'deny') return allowed;
    const agreement = this.agreements.find((a) => a.id === allowed.agreement)!;
    const clauses = agreement.purposes[request.purpose].clauses.filter((c) => c.source === request.source && c.roles.some((r) => request.roles.includes(r)));
    if (clauses.length === 0) {
      return { effect: 'deny', reason: `no clause of ${agreement.id} ${request.purpose} shares ${request.source} with ${request.roles.join(',')}`, agreement: agreement.id, version: agreement.version };
    }
    // A person with several roles gets the widest clause any of them is given, never a mix.
    const best = clauses.reduce<Clause>((a, b) => (b.tier === 'fields' && (a.tier === 'signpost' || (b.fields?.length ?? 0) > (a.fields?.length ?? 0)) ? b : a), clauses[0]);
    return best.tier === 'signpost'
      ? { effect: 'signpost', agreement: agreement.id, version: agreement.version, clause: best.id }
      : { effect: 'fields', agreement: agreement.id, version: agreement.version, clause: best.id, fields: best.fields! };
  }

  private inForce(purpose: string, at: Date): { agreement: Agreement } | { reason: string } {
    const covering = this.agreements.filter((a) => Object.hasOwn(a.purposes, purpose));
    if (covering.length === 0) return { reason: `no agreement covers purpose ${purpose}` };
    const day = at.toISOString().slice(0, 10);
    const live = covering.find((a) => a.status === 'signed' && a.effectiveFrom <= day && day <= a.expiresOn);
    if (live) return { agreement: live };
    const a = covering[0];
    if (a.status !== 'signed') return { reason: `agreement ${a.id} ${a.version} is ${a.status}` };
    return { reason: day < a.effectiveFrom ? `agreement ${a.id} ${a.version} is not in force until ${a.effectiveFrom}` : `agreement ${a.id} ${a.version} expired on ${a.expiresOn}` };
  }
}

/**
 * Keeps exactly the agreed paths of a record. `a.b` keeps that leaf (through arrays: each
 * element's `b`); `a.*` keeps all of `a`. Anything not named is left out: no leak by default.
 */
export function filterFields(data: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of fields) copyPath(data, out, path.split('.'));
  return out;
}

function copyPath(from: unknown, to: Record<string, unknown>, segments: string[]): void {
  if (typeof from !== 'object' || from === null) return;
  const [head, ...rest] = segments;
  if (head === '*') {
    Object.assign(to, structuredClone(from));
    return;
  }
  const value = (from as Record<string, unknown>)[head];
  if (value === undefined) return;
  if (rest.length === 0) {
    to[head] = structuredClone(value);
  } else if (Array.isArray(value)) {
    const target = (Array.isArray(to[head]) ? to[head] : (to[head] = value.map(() => ({})))) as Record<string, unknown>[];
    value.forEach((item, i) => copyPath(item, target[i], rest));
  } else {
    const target = (to[head] ?? (to[head] = {})) as Record<string, unknown>;
    copyPath(value, target, rest);
  }
}
