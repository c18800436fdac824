import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addMonths, ageOn, PersonDto, RiskLevel } from '../../../../libs/contracts/src';
import { HubUser } from '../auth/demo-users';

export interface ChronologyEntry {
  at: string;
  agency: string;
  kind: string;
  role: string;
  recordRef: string;
  /** what the record says, without the people in it; absent where the reader sees a signpost only */
  facts?: Record<string, unknown>;
}

export interface SubjectView {
  subjectId: string;
  /** the agency records of this person, as each agency knows them */
  persons: { agency: string; personRef: string; givenName: string; familyName: string; dateOfBirth?: string; postcode?: string; linkRule: string; linkedAt: string }[];
  agencies: string[];
  flags: {
    daVictim: { highestRiskLast12Months: RiskLevel; lastIncidentAt: string } | null;
    daPerpetrator: boolean;
    childInCustody: { custodyRef: string; since: string } | null;
    fireSetter: boolean;
    openToYjs: { team: string; since: string } | null;
    engagedWithTreatment: boolean;
    maracReferred: { lastReferralAt: string; criterion: string } | null;
  };
  /** records per `agency/kind` in rolling windows ending now */
  counts: Record<'last3Months' | 'last12Months' | 'allTime', Record<string, number>>;
  chronology: ChronologyEntry[];
  referrals: { id: string; criterion: string; repeat: boolean; triggeredAt: string; status: string }[];
  workItems: { id: string; rule: string; ownerTeams: string[]; refs: string[]; raisedAt: string; status: string }[];
  pendingReviews: number;
}

/**
 * Health-originated records (treatment) are signposts for anyone outside treatment:
 * the reader learns that the person is engaged with a service and when, not what
 * (Caldicott: minimum necessary; domain.md §3). The agreements issue makes this per purpose.
 */
const SIGNPOST_AGENCIES = new Set(['treatment']);

/**
 * The multi-agency risk view of one hub subject, read from consolidation's read models:
 * every agency person linked to the subject, their chronology across agencies, flags and
 * counts. A merged subject answers with the subject it was merged into.
 */
@Injectable()
export class SubjectsReader {
  constructor(private readonly dataSource: DataSource) {}

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

  async view(subjectId: string, reader: HubUser, now = new Date()): Promise<SubjectView> {
    const persons: { agency: string; person_ref: string; person: PersonDto; link_rule: string; linked_at: string }[] = await this.dataSource.query(
      `SELECT agency, person_ref, person, link_rule, linked_at FROM consolidation.persons WHERE subject_id = $1 ORDER BY linked_at, agency, person_ref`,
      [subjectId],
    );
    const rows: { agency: string; person_ref: string; role: string; kind: string; record_ref: string; occurred_at: string; facts: Record<string, any> }[] =
      await this.dataSource.query(
        `SELECT c.agency, c.person_ref, c.role, c.kind, c.record_ref, c.occurred_at, c.facts
           FROM consolidation.chronology c JOIN consolidation.persons p ON p.agency = c.agency AND p.person_ref = c.person_ref
          WHERE p.subject_id = $1 ORDER BY c.occurred_at, c.id`,
        [subjectId],
      );
    const da: { risk_level: RiskLevel; occurred_at: string }[] = await this.dataSource.query(
      `SELECT d.risk_level, d.occurred_at FROM consolidation.da_incidents d JOIN consolidation.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
        WHERE p.subject_id = $1 ORDER BY d.occurred_at`,
      [subjectId],
    );
    const referrals: { id: string; criterion: string; repeat: boolean; triggered_at: string; status: string }[] = await this.dataSource.query(
      `SELECT id, criterion, repeat, triggered_at, status FROM consolidation.marac_referrals WHERE subject_id = $1 ORDER BY triggered_at`,
      [subjectId],
    );
    const workItems: { id: string; rule: string; owner_teams: string[]; refs: string[]; raised_at: string; status: string }[] = await this.dataSource.query(
      `SELECT id, rule, owner_teams, refs, raised_at, status FROM consolidation.work_items WHERE subject_id = $1 ORDER BY raised_at`,
      [subjectId],
    );
    const [{ n: pending }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM consolidation.identity_reviews r
         JOIN consolidation.persons a ON a.agency = r.agency AND a.person_ref = r.person_ref
         JOIN consolidation.persons b ON b.agency = r.candidate_agency AND b.person_ref = r.candidate_ref
        WHERE r.status = 'pending' AND (a.subject_id = $1 OR b.subject_id = $1)`,
      [subjectId],
    );

    const dobOf = new Map(persons.map((p) => [`${p.agency}:${p.person_ref}`, p.person.dateOfBirth]));
    const entries = rows.map((r) => ({ ...r, at: new Date(r.occurred_at) }));
    const of = (kind: string) => entries.filter((e) => e.kind === kind);
    const closedRefs = (kind: string, field: string) => new Set(of(kind).map((e) => String(e.facts[field])));

    const yearAgo = addMonths(now, -12);
    const recentDa = da.filter((d) => new Date(d.occurred_at) >= yearAgo);
    const rank = { standard: 0, medium: 1, high: 2 } as const;
    const released = closedRefs('custody-release', 'custodyRef');
    const childCustody = of('custody-entry')
      .filter((e) => !released.has(e.record_ref))
      .find((e) => e.facts.appearsUnder18 === true || isChildAt(dobOf.get(`${e.agency}:${e.person_ref}`), e.at));
    const closedCases = closedRefs('yjs-case-closure', 'referralRef');
    const openCase = of('yjs-referral').filter((e) => !closedCases.has(e.record_ref)).pop();
    const exitedEpisodes = closedRefs('episode-exit', 'episodeRef');
    const lastReferral = referrals.filter((r) => r.status !== 'withdrawn').pop();

    const counts = { last3Months: {}, last12Months: {}, allTime: {} } as SubjectView['counts'];
    const windows: [keyof SubjectView['counts'], Date | undefined][] = [['last3Months', addMonths(now, -3)], ['last12Months', yearAgo], ['allTime', undefined]];
    const counted = new Set<string>();
    for (const e of entries) {
      // one record about the person in two roles counts once
      const key = `${e.agency}/${e.kind}/${e.record_ref}`;
      if (counted.has(key)) continue;
      counted.add(key);
      for (const [window, from] of windows) {
        if (from && e.at < from) continue;
        counts[window][`${e.agency}/${e.kind}`] = (counts[window][`${e.agency}/${e.kind}`] ?? 0) + 1;
      }
    }

    return {
      subjectId,
      persons: persons.map((p) => ({
        agency: p.agency,
        personRef: p.person_ref,
        givenName: p.person.givenName,
        familyName: p.person.familyName,
        dateOfBirth: p.person.dateOfBirth,
        postcode: p.person.address?.postcode,
        linkRule: p.link_rule,
        linkedAt: new Date(p.linked_at).toISOString(),
      })),
      agencies: [...new Set(persons.map((p) => p.agency))],
      flags: {
        daVictim: da.length
          ? {
              highestRiskLast12Months: recentDa.reduce<RiskLevel>((top, d) => (rank[d.risk_level] > rank[top] ? d.risk_level : top), 'standard'),
              lastIncidentAt: new Date(da[da.length - 1].occurred_at).toISOString(),
            }
          : null,
        daPerpetrator: entries.some((e) => e.role === 'da-perpetrator'),
        childInCustody: childCustody ? { custodyRef: childCustody.record_ref, since: childCustody.at.toISOString() } : null,
        fireSetter: entries.some((e) => e.role === 'fire-setter'),
        openToYjs: openCase ? { team: String(openCase.facts.team), since: new Date(openCase.facts.caseOpenedAt ?? openCase.at).toISOString() } : null,
        engagedWithTreatment: of('episode-start').some((e) => !exitedEpisodes.has(e.record_ref)),
        maracReferred: lastReferral ? { lastReferralAt: new Date(lastReferral.triggered_at).toISOString(), criterion: lastReferral.criterion } : null,
      },
      counts,
      chronology: entries.map((e) => ({
        at: e.at.toISOString(),
        agency: e.agency,
        kind: e.kind,
        role: e.role,
        recordRef: e.record_ref,
        ...(SIGNPOST_AGENCIES.has(e.agency) && reader.agency !== e.agency ? {} : { facts: e.facts }),
      })),
      referrals: referrals.map((r) => ({ id: r.id, criterion: r.criterion, repeat: r.repeat, triggeredAt: new Date(r.triggered_at).toISOString(), status: r.status })),
      workItems: workItems.map((w) => ({ id: w.id, rule: w.rule, ownerTeams: w.owner_teams, refs: w.refs, raisedAt: new Date(w.raised_at).toISOString(), status: w.status })),
      pendingReviews: pending,
    };
  }
}

function isChildAt(dateOfBirth: string | undefined, at: Date): boolean {
  return dateOfBirth !== undefined && ageOn(dateOfBirth, at) < 18;
}
