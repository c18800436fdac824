import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addMonths, ageOn, PersonDto, RiskLevel } from '../../../../libs/contracts/src';
import { filterFields, PolicyDecisionPoint, Release } from '../../../../libs/isa/src';

export interface ChronologyEntry {
  agency: string;
  kind: string;
  /** the subject's part in the record (da-victim, detainee…) */
  role: string;
  /** the clause of the agreement that released it */
  clause: string;
  /** the record cut to the fields that clause gives this reader */
  record: Record<string, unknown>;
}

export interface SubjectView {
  subjectId: string;
  purpose: string;
  agreement?: { id: string; version: string };
  /** the agency records of this person, with the details any released record gives of them */
  persons: ({ agency: string } & Partial<PersonDto>)[];
  /** identity review only: how the hub linked each agency person to this subject (hub data, not agency data) */
  links?: { agency: string; linkRule: string; linkedAt: string }[];
  /** every agency holding a record about the subject that this reader may at least be told of */
  agencies: string[];
  /** agencies whose records this reader may know exist but not see: ask them */
  signposts: { agency: string; clause: string }[];
  /** drawn only from what this reader was released */
  flags: {
    daVictim: { highestRiskLast12Months?: RiskLevel; lastIncidentAt?: string } | null;
    daPerpetrator: boolean;
    childInCustody: { since?: string } | null;
    fireSetter: boolean;
    openToYjs: { team?: string; since?: string } | null;
    engagedWithTreatment: boolean;
    maracReferred: { lastReferralAt: string; criterion: string } | null;
  };
  /** released records per `agency/kind` in rolling windows ending now */
  counts: Record<'last3Months' | 'last12Months' | 'allTime', Record<string, number>>;
  chronology: ChronologyEntry[];
  referrals: { id: string; criterion: string; repeat: boolean; triggeredAt: string; status: string }[];
  workItems: { id: string; rule: string; ownerTeams: string[]; raisedAt: string; status: string }[];
  /** identity review only */
  pendingReviews?: number;
}

/** What a derived fact rests on: the reader sees it only if every source is released to them in fields. */
export const DA_SOURCES: Record<string, string> = { police: 'uk.shp.police.domestic-incident.recorded.v1', housing: 'uk.shp.housing.da-disclosure.recorded.v1' };
const WORK_ITEM_SOURCES: Record<string, string[]> = {
  'community-trigger': ['uk.shp.police.asb-incident.recorded.v1', 'uk.shp.housing.asb-report.recorded.v1'],
  'joint-visit': Object.values(DA_SOURCES),
  'serial-perpetrator': Object.values(DA_SOURCES),
  'fire-setter-yjs': ['uk.shp.fire.fire-setter-referral.recorded.v1', 'uk.shp.youth-justice.yjs-referral.recorded.v1'],
};

interface Row {
  agency: string;
  person_ref: string;
  role: string;
  kind: string;
  record_ref: string;
  occurred_at: string;
  event_type: string;
  record: Record<string, any>;
}

/**
 * The multi-agency view of one hub subject as one reader may see it for one purpose: each
 * record goes through the policy decision point (default deny) and is cut to the fields the
 * agreement gives that reader; flags, counts and derived items draw only on what was
 * released. A merged subject answers with the subject it was merged into.
 */
@Injectable()
export class SubjectsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
  ) {}

  /** The subject's current id (following merges), or undefined when unknown. */
  async currentId(subjectId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(
      `WITH RECURSIVE chain AS (
         SELECT id, merged_into, 0 AS depth FROM consolidation.subjects WHERE id = $1
         UNION ALL SELECT s.id, s.merged_into, c.depth + 1 FROM consolidation.subjects s JOIN chain c ON s.id = c.merged_into WHERE c.depth < 50)
       SELECT id FROM chain WHERE merged_into IS NULL`,
      [subjectId],
    );
    return row?.id;
  }

  async view(subjectId: string, reader: { roles: readonly string[]; purpose: string }, now = new Date()): Promise<{ view: SubjectView; release: Release }> {
    const release = new Release(this.policy, { ...reader, at: now });
    const persons: { agency: string; person_ref: string; person: PersonDto; link_rule: string; linked_at: string }[] = await this.dataSource.query(
      `SELECT agency, person_ref, person, link_rule, linked_at FROM consolidation.persons WHERE subject_id = $1 ORDER BY linked_at, agency, person_ref`,
      [subjectId],
    );
    const rows: Row[] = await this.dataSource.query(
      `SELECT c.agency, c.person_ref, c.role, c.kind, c.record_ref, c.occurred_at, c.event_type, c.record
         FROM consolidation.chronology c JOIN consolidation.persons p ON p.agency = c.agency AND p.person_ref = c.person_ref
        WHERE p.subject_id = $1 ORDER BY c.occurred_at, c.id`,
      [subjectId],
    );

    // Each record once per subject role; a record about the person in two roles is released once.
    const entries: (ChronologyEntry & { at: Date; source: string; personRef: string; recordRef: string })[] = [];
    const signposts = new Map<string, string>();
    const personFields = new ReleasedPersonFields();
    for (const r of rows) {
      const out = release.of(r.event_type, r.record);
      if (out.tier === 'deny') continue;
      if (out.tier === 'signpost') {
        if (!signposts.has(r.agency)) signposts.set(r.agency, out.clause);
        continue;
      }
      entries.push({ agency: r.agency, kind: r.kind, role: r.role, clause: out.clause, record: out.data, at: new Date(r.occurred_at), source: r.event_type, personRef: r.person_ref, recordRef: r.record_ref });
      personFields.add(r.agency, r.person_ref, r.record, out.data);
    }
    const fieldsTier = (source: string) => release.decision(source).effect === 'fields';
    const identityReview = reader.purpose === 'identity.review';

    const shownPersons = persons.flatMap((p) => {
      const shown = personFields.cut(p.agency, p.person_ref, p.person);
      return shown ? [{ agency: p.agency, ...(shown as Partial<PersonDto>) }] : [];
    });

    // The hub's DASH grade of each DA record: shown only where the reader's clause releases the DASH itself.
    const grades: { agency: string; incident_ref: string; risk_level: RiskLevel }[] = await this.dataSource.query(
      `SELECT d.agency, d.incident_ref, d.risk_level FROM consolidation.da_incidents d JOIN consolidation.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref WHERE p.subject_id = $1`,
      [subjectId],
    );
    const gradeOf = new Map(grades.map((g) => [`${g.agency}:${g.incident_ref}`, g.risk_level]));
    const [referrals, workItems, pending] = await Promise.all([
      this.dataSource.query(`SELECT id, criterion, repeat, triggered_at, status, trigger_agency FROM consolidation.marac_referrals WHERE subject_id = $1 ORDER BY triggered_at`, [subjectId]),
      this.dataSource.query(`SELECT id, rule, owner_teams, raised_at, status FROM consolidation.work_items WHERE subject_id = $1 ORDER BY raised_at`, [subjectId]),
      identityReview
        ? this.dataSource.query(
            `SELECT count(*)::int AS n FROM consolidation.identity_reviews r
               JOIN consolidation.persons a ON a.agency = r.agency AND a.person_ref = r.person_ref
               JOIN consolidation.persons b ON b.agency = r.candidate_agency AND b.person_ref = r.candidate_ref
              WHERE r.status = 'pending' AND (a.subject_id = $1 OR b.subject_id = $1)`,
            [subjectId],
          )
        : Promise.resolve(undefined),
    ]);
    const shownReferrals = (referrals as Record<string, any>[]).filter((r) => fieldsTier(DA_SOURCES[r.trigger_agency]));
    const shownWorkItems = (workItems as Record<string, any>[]).filter((w) => (WORK_ITEM_SOURCES[w.rule] ?? ['(unknown rule)']).every(fieldsTier));

    const view: SubjectView = {
      subjectId,
      purpose: reader.purpose,
      agreement: release.agreement,
      persons: shownPersons,
      agencies: [...new Set([...entries.map((e) => e.agency), ...signposts.keys()])].sort(),
      signposts: [...signposts].map(([agency, clause]) => ({ agency, clause })),
      flags: flagsOf(entries, shownReferrals, shownPersons, gradeOf, now),
      counts: countsOf(entries, now),
      chronology: entries.map(({ agency, kind, role, clause, record }) => ({ agency, kind, role, clause, record })),
      referrals: shownReferrals.map((r) => ({ id: r.id, criterion: r.criterion, repeat: r.repeat, triggeredAt: new Date(r.triggered_at).toISOString(), status: r.status })),
      workItems: shownWorkItems.map((w) => ({ id: w.id, rule: w.rule, ownerTeams: w.owner_teams, raisedAt: new Date(w.raised_at).toISOString(), status: w.status })),
      ...(identityReview ? { links: persons.map((p) => ({ agency: p.agency, linkRule: p.link_rule, linkedAt: new Date(p.linked_at).toISOString() })) } : {}),
      ...(pending ? { pendingReviews: pending[0].n } : {}),
    };
    return { view, release };
  }
}

/**
 * What of each agency person the reader is released: the union, over the records that
 * person appears in, of the person's own fields the record's clause gives this reader.
 */
export async function releasedPersons(dataSource: DataSource, people: { agency: string; personRef: string }[], release: Release): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (people.length === 0) return out;
  const rows: { agency: string; person_ref: string; event_type: string; record: Record<string, unknown>; person: PersonDto }[] = await dataSource.query(
    `SELECT c.agency, c.person_ref, c.event_type, c.record, p.person
       FROM consolidation.chronology c JOIN consolidation.persons p USING (agency, person_ref)
      WHERE (c.agency, c.person_ref) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [people.map((p) => p.agency), people.map((p) => p.personRef)],
  );
  const fields = new ReleasedPersonFields();
  const persons = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    persons.set(`${r.agency}:${r.person_ref}`, r);
    const cut = release.of(r.event_type, r.record);
    if (cut.tier === 'fields') fields.add(r.agency, r.person_ref, r.record, cut.data);
  }
  for (const [key, r] of persons) {
    const shown = fields.cut(r.agency, r.person_ref, r.person);
    if (shown) out.set(key, shown);
  }
  return out;
}

/**
 * A person's own details are released as far as the clauses of the records they appear in
 * name them (`victim.givenName` gives the victim's given name): the union over those records.
 */
class ReleasedPersonFields {
  private readonly fields = new Map<string, Set<string>>();

  /** One record the person appears in: `held` as stored, `cut` as released to the reader. */
  add(agency: string, personRef: string, held: Record<string, unknown>, cut: Record<string, unknown>): void {
    const key = `${agency}:${personRef}`;
    const set = this.fields.get(key) ?? new Set<string>();
    for (const path of personPaths(held, personRef)) for (const f of personFieldsOf(cut, path)) set.add(f);
    this.fields.set(key, set);
  }

  /** The person's record cut to what was released of them, or undefined when nothing was. */
  cut(agency: string, personRef: string, person: PersonDto): Record<string, unknown> | undefined {
    const set = this.fields.get(`${agency}:${personRef}`);
    return set?.size ? filterFields(person, [...set]) : undefined;
  }
}

/** Where a person sits in a record's data: `victim`, or `childrenPresent` for one of a list. */
export function personPaths(data: Record<string, unknown>, personRef: string): string[] {
  const isThem = (v: unknown) => typeof v === 'object' && v !== null && (v as { personRef?: unknown }).personRef === personRef;
  return Object.entries(data)
    .filter(([, v]) => isThem(v) || (Array.isArray(v) && v.some(isThem)))
    .map(([k]) => k);
}

/** The person's own fields a cut record kept at `path` (through a list: the union over its items). */
function personFieldsOf(cut: Record<string, unknown>, path: string): string[] {
  const at = cut[path];
  const items = Array.isArray(at) ? at : at ? [at] : [];
  const out = new Set<string>();
  const walk = (v: unknown, prefix: string) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
    else if (prefix) out.add(prefix);
  };
  for (const item of items) walk(item, '');
  return [...out];
}

type Entry = ChronologyEntry & { at: Date; source: string };

function flagsOf(entries: (Entry & { recordRef: string })[], referrals: Record<string, any>[], persons: { dateOfBirth?: string }[], gradeOf: Map<string, RiskLevel>, now: Date): SubjectView['flags'] {
  const of = (kind: string) => entries.filter((e) => e.kind === kind);
  const refsOf = (kind: string, field: string) => new Set(of(kind).map((e) => e.record[field]).filter((v) => v !== undefined).map(String));
  const time = (v: unknown) => (typeof v === 'string' ? new Date(v) : undefined);

  const da = entries.filter((e) => e.role === 'da-victim');
  const yearAgo = addMonths(now, -12);
  const rank = { standard: 0, medium: 1, high: 2 } as const;
  const graded = da.map((e) => ({ at: time(e.record.occurredAt), risk: e.record.dash !== undefined ? gradeOf.get(`${e.agency}:${e.recordRef}`) : undefined }));
  const recentRisks = graded.filter((g) => g.risk && g.at && g.at >= yearAgo).map((g) => g.risk!);
  const lastDa = graded.map((g) => g.at).filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime()).pop();

  const released = refsOf('custody-release', 'custodyRef');
  const dobs = persons.map((p) => p.dateOfBirth).filter((d): d is string => !!d);
  const inCustody = of('custody-entry').find((e) => {
    const ref = e.record.custodyRef;
    if (ref !== undefined && released.has(String(ref))) return false;
    const arrived = time(e.record.arrivedAt);
    return e.record.appearsUnder18 === true || (arrived !== undefined && dobs.some((d) => ageOn(d, arrived) < 18));
  });
  const closed = refsOf('yjs-case-closure', 'referralRef');
  const openCase = of('yjs-referral').filter((e) => !(e.record.referralRef !== undefined && closed.has(String(e.record.referralRef)))).pop();
  const exited = refsOf('episode-exit', 'episodeRef');
  const lastReferral = referrals.filter((r) => r.status !== 'withdrawn').pop();

  return {
    daVictim: da.length
      ? {
          ...(recentRisks.length ? { highestRiskLast12Months: recentRisks.reduce((top, r) => (rank[r] > rank[top] ? r : top), 'standard' as RiskLevel) } : {}),
          ...(lastDa ? { lastIncidentAt: lastDa.toISOString() } : {}),
        }
      : null,
    daPerpetrator: entries.some((e) => e.role === 'da-perpetrator'),
    childInCustody: inCustody ? { ...(time(inCustody.record.arrivedAt) ? { since: time(inCustody.record.arrivedAt)!.toISOString() } : {}) } : null,
    fireSetter: entries.some((e) => e.role === 'fire-setter'),
    openToYjs: openCase
      ? {
          ...(openCase.record.team ? { team: String(openCase.record.team) } : {}),
          ...(time(openCase.record.caseOpenedAt ?? openCase.record.referredAt) ? { since: time(openCase.record.caseOpenedAt ?? openCase.record.referredAt)!.toISOString() } : {}),
        }
      : null,
    engagedWithTreatment: of('episode-start').some((e) => !(e.record.episodeRef !== undefined && exited.has(String(e.record.episodeRef)))),
    maracReferred: lastReferral ? { lastReferralAt: new Date(lastReferral.triggered_at).toISOString(), criterion: lastReferral.criterion } : null,
  };
}

function countsOf(entries: (Entry & { recordRef: string })[], now: Date): SubjectView['counts'] {
  const counts = { last3Months: {}, last12Months: {}, allTime: {} } as SubjectView['counts'];
  const windows: [keyof SubjectView['counts'], Date | undefined][] = [['last3Months', addMonths(now, -3)], ['last12Months', addMonths(now, -12)], ['allTime', undefined]];
  const counted = new Set<string>();
  for (const e of entries) {
    // one record about the person in two roles counts once
    const key = `${e.agency}/${e.kind}/${e.recordRef}`;
    if (counted.has(key)) continue;
    counted.add(key);
    const kind = `${e.agency}/${e.kind}`;
    for (const [window, from] of windows) {
      if (from && e.at < from) continue;
      counts[window][kind] = (counts[window][kind] ?? 0) + 1;
    }
  }
  return counts;
}
