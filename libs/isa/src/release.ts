import { Decision, filterFields, PolicyDecisionPoint } from './policy';

/** What one response or delivery released of one kind of source record (the audit's `released`). */
export interface ReleasedSource {
  source: string;
  clause: string;
  tier: 'fields' | 'signpost';
  fields: string[];
  records: number;
}

export type Released =
  | { tier: 'fields'; clause: string; data: Record<string, unknown> }
  | { tier: 'signpost'; clause: string }
  | { tier: 'deny'; reason: string };

/**
 * One response, or one delivery, to one reader for one purpose: every record in it goes
 * through the policy decision point and is cut to the agreed fields; what was released is
 * tallied for the audit row. Decisions are taken once per source type for the whole
 * response, so one response rests on one agreement version.
 */
export class Release {
  private readonly decisions = new Map<string, Decision>();
  private readonly tally = new Map<string, ReleasedSource>();
  private withheld = false;

  constructor(
    private readonly policy: PolicyDecisionPoint,
    private readonly reader: { roles: readonly string[]; purpose: string; at?: Date },
  ) {}

  decision(source: string): Decision {
    let d = this.decisions.get(source);
    if (!d) {
      d = this.policy.decide({ roles: this.reader.roles, purpose: this.reader.purpose, source, at: this.reader.at });
      this.decisions.set(source, d);
    }
    return d;
  }

  of(source: string, data: Record<string, unknown>): Released {
    const d = this.decision(source);
    if (d.effect === 'deny') {
      this.withheld = true;
      return { tier: 'deny', reason: d.reason };
    }
    const tally = this.tally.get(source) ?? { source, clause: d.clause, tier: d.effect, fields: d.effect === 'fields' ? d.fields : [], records: 0 };
    tally.records++;
    this.tally.set(source, tally);
    if (d.effect === 'signpost') {
      this.withheld = true;
      return { tier: 'signpost', clause: d.clause };
    }
    const cut = filterFields(data, d.fields);
    if (leafCount(cut) < leafCount(data)) this.withheld = true;
    return { tier: 'fields', clause: d.clause, data: cut };
  }

  /** Something held was left out of the response (a record, or fields of one). */
  get redacted(): boolean {
    return this.withheld;
  }

  /** The agreement version the decisions rested on (the first one taken). */
  get agreement(): { id: string; version: string } | undefined {
    for (const d of this.decisions.values()) if (d.agreement && d.version) return { id: d.agreement, version: d.version };
    return undefined;
  }

  /** Counts another release of the same response into this one (a response built from several readers' parts). */
  absorb(other: Release): void {
    for (const r of other.released()) {
      const mine = this.tally.get(r.source);
      if (mine) mine.records += r.records;
      else this.tally.set(r.source, { ...r });
    }
    if (other.redacted) this.withheld = true;
    for (const [source, d] of other.decisions) if (!this.decisions.has(source)) this.decisions.set(source, d);
  }

  released(): ReleasedSource[] {
    return [...this.tally.values()];
  }
}

/** Leaves of a JSON value: how much of a record there is, to tell whether a cut removed any. */
export function leafCount(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + leafCount(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce<number>((n, v) => n + leafCount(v), 0);
  return 1;
}

/** A response about several people: one Release per subject, so each audit row names what was released of that person. */
export class ReleasesBySubject {
  private readonly bySubject = new Map<string, Release>();

  constructor(
    private readonly policy: PolicyDecisionPoint,
    private readonly reader: { roles: readonly string[]; purpose: string; at?: Date },
  ) {}

  for(subjectId: string): Release {
    let release = this.bySubject.get(subjectId);
    if (!release) this.bySubject.set(subjectId, (release = new Release(this.policy, this.reader)));
    return release;
  }

  /** Each subject with its release: those given (in that order, once each), or every one asked about. */
  entries(subjectIds?: Iterable<string>): [string, Release][] {
    return subjectIds ? [...new Set(subjectIds)].map((id) => [id, this.for(id)]) : [...this.bySubject];
  }
}
