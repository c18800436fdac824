import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Release } from '../../../../libs/isa/src';
import { HubUser } from '../auth/demo-users';
import { ReadGate } from '../subjects/read-gate';
import { SubjectsReader } from '../subjects/subjects.reader';

/** PACE s44: no one is held more than 96 hours without charge. */
const PACE_MAX_DETENTION_MS = 96 * 3_600_000;

export const APPROPRIATE_ADULT_STATUSES = ['requested', 'present', 'navigator-acting', 'not-required'] as const;
export type AppropriateAdultStatus = (typeof APPROPRIATE_ADULT_STATUSES)[number];

/** A child's custody episode as a navigator (or the home YJS) sees it. */
export interface CustodyEpisode {
  notificationId: string;
  custodyRef: string;
  subjectId: string;
  arrivedAt: string;
  /** minutes since arrival, or until release: the board ticks it on from arrivedAt */
  heldMinutes: number;
  inCustody: boolean;
  /** still "in custody" past the PACE maximum of 96 hours: the release was most likely never recorded */
  releaseNotRecorded: boolean;
  released: { at: string; outcome: string } | null;
  childBasis: string;
  ageAtArrival: number | null;
  /** the custody entry as the agreement gives it to this reader (name, date of birth, postcode, offence) */
  child: Record<string, unknown> | null;
  route: 'yjs' | 'out-of-area' | 'needs-placement';
  team: string | null;
  localAuthority: string | null;
  placementReason: string | null;
  appropriateAdult: { required: boolean; status: AppropriateAdultStatus | null; updatedAt: string | null; updatedBy: string | null };
  notification: {
    status: 'sent' | 'delivered' | 'acknowledged' | 'not-sent';
    raisedAt: string;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedBy: { sub: string; name: string } | null;
    escalatedAt: string | null;
  };
  /** what the consolidated view under the custody purpose may show this reader */
  consolidated: { openToYjs: { team?: string; since?: string } | null; knownRisks: string[]; signposts: string[] } | null;
  treatmentReferral: { service: string; requestedAt: string } | null;
  /** why the child's details are not shown (a restriction in force) */
  withheld?: string;
}

interface Row {
  id: string;
  custody_ref: string;
  subject_id: string;
  arrived_at: string;
  released_at: string | null;
  outcome: string | null;
  child_basis: string;
  age_at_arrival: number | null;
  route: CustodyEpisode['route'];
  team: string | null;
  local_authority: string | null;
  placement_reason: string | null;
  appropriate_adult_required: boolean;
  raised_at: string;
  delivered_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: { sub: string; name: string } | null;
  escalated_at: string | null;
  aa_status: AppropriateAdultStatus | null;
  aa_updated_at: string | null;
  aa_updated_by: { name: string } | null;
  referral_service: string | null;
  referral_requested_at: string | null;
}

const SELECT = `
  SELECT n.*,
         aa.status AS aa_status, aa.updated_at AS aa_updated_at, aa.updated_by AS aa_updated_by,
         t.service AS referral_service, t.requested_at AS referral_requested_at
    FROM consolidation.custody_notifications n
    LEFT JOIN hub.custody_appropriate_adults aa ON aa.notification_id = n.id
    LEFT JOIN LATERAL (SELECT service, requested_at FROM consolidation.treatment_referral_requests r
                        WHERE r.custody_ref = n.custody_ref ORDER BY requested_at LIMIT 1) t ON true`;

/** Known risks the custody purpose may show, named for a navigator, from the view's released flags. */
function knownRisks(flags: Awaited<ReturnType<SubjectsReader['view']>>['view']['flags']): string[] {
  const risks: string[] = [];
  if (flags.daVictim) risks.push(`domestic abuse victim${flags.daVictim.highestRiskLast12Months ? ` (${flags.daVictim.highestRiskLast12Months} risk in 12 months)` : ''}`);
  if (flags.daPerpetrator) risks.push('domestic abuse perpetrator');
  if (flags.fireSetter) risks.push('fire-setter referral');
  if (flags.maracReferred) risks.push('referred to MARAC');
  if (flags.engagedWithTreatment) risks.push('engaged with treatment');
  return risks;
}

/**
 * The custody navigators' board and the home YJS's view of one notification: every child's
 * details go through the policy decision point for this reader under the custody purpose
 * (via the subject view) and every subject shown is audited by the caller.
 */
@Injectable()
export class CustodyBoard {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: SubjectsReader,
    private readonly gate: ReadGate,
  ) {}

  /** Children in custody now, and those who left within `recentHours`; a YJS reader sees only its team's. */
  async board(reader: HubUser, purpose: string, recentHours: number, now = new Date()): Promise<{ episodes: CustodyEpisode[]; releases: [string, Release][] }> {
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} WHERE (n.released_at IS NULL OR n.released_at > $1::timestamptz - make_interval(hours => $2))
                   AND ($3::text IS NULL OR n.team = $3) ORDER BY n.arrived_at`,
      [now.toISOString(), recentHours, this.teamOf(reader)],
    );
    return this.episodes(rows, reader, purpose, now);
  }

  /** One notification, for the navigators or the team it went to (others: undefined, as if it did not exist). */
  async one(id: string, reader: HubUser, purpose: string, now = new Date()): Promise<{ episode: CustodyEpisode; releases: [string, Release][] } | undefined> {
    const rows: Row[] = await this.dataSource.query(`${SELECT} WHERE n.id = $1 AND ($2::text IS NULL OR n.team = $2)`, [id, this.teamOf(reader)]);
    if (rows.length === 0) return undefined;
    const { episodes, releases } = await this.episodes(rows, reader, purpose, now);
    return { episode: episodes[0], releases };
  }

  async setAppropriateAdult(id: string, status: AppropriateAdultStatus, by: HubUser): Promise<string | undefined> {
    const [row]: { subject_id: string }[] = await this.dataSource.query(`SELECT subject_id FROM consolidation.custody_notifications WHERE id = $1`, [id]);
    if (!row) return undefined;
    await this.dataSource.query(
      `INSERT INTO hub.custody_appropriate_adults (notification_id, status, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (notification_id) DO UPDATE SET status = EXCLUDED.status, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()`,
      [id, status, JSON.stringify({ sub: by.sub, name: by.name })],
    );
    return row.subject_id;
  }

  /** Navigators see every team's children; a YJS officer or manager their own team's. */
  private teamOf(reader: HubUser): string | null {
    return reader.roles.includes('custody-navigator') ? null : (reader.team ?? '');
  }

  private async episodes(rows: Row[], reader: HubUser, purpose: string, now: Date): Promise<{ episodes: CustodyEpisode[]; releases: [string, Release][] }> {
    const releases: [string, Release][] = [];
    const episodes: CustodyEpisode[] = [];
    for (const r of rows) {
      const subjectId = r.subject_id; // current: merges and unlinks move it
      const end = r.released_at ? new Date(r.released_at) : now;
      const episode: CustodyEpisode = {
        notificationId: r.id,
        custodyRef: r.custody_ref,
        subjectId,
        arrivedAt: new Date(r.arrived_at).toISOString(),
        heldMinutes: Math.max(0, Math.floor((end.getTime() - new Date(r.arrived_at).getTime()) / 60_000)),
        inCustody: !r.released_at,
        releaseNotRecorded: !r.released_at && end.getTime() - new Date(r.arrived_at).getTime() > PACE_MAX_DETENTION_MS,
        released: r.released_at ? { at: new Date(r.released_at).toISOString(), outcome: r.outcome! } : null,
        childBasis: r.child_basis,
        ageAtArrival: r.age_at_arrival,
        child: null,
        route: r.route,
        team: r.team,
        localAuthority: r.local_authority,
        placementReason: r.placement_reason,
        appropriateAdult: {
          required: r.appropriate_adult_required,
          status: r.aa_status,
          updatedAt: r.aa_updated_at ? new Date(r.aa_updated_at).toISOString() : null,
          updatedBy: r.aa_updated_by?.name ?? null,
        },
        notification: {
          status: r.route !== 'yjs' ? 'not-sent' : r.acknowledged_at ? 'acknowledged' : r.delivered_at ? 'delivered' : 'sent',
          raisedAt: new Date(r.raised_at).toISOString(),
          deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
          acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at).toISOString() : null,
          acknowledgedBy: r.acknowledged_by,
          escalatedAt: r.escalated_at ? new Date(r.escalated_at).toISOString() : null,
        },
        consolidated: null,
        treatmentReferral: r.referral_service ? { service: r.referral_service, requestedAt: new Date(r.referral_requested_at!).toISOString() } : null,
      };
      const refused = await this.gate.refusal(subjectId, purpose);
      if (refused) {
        episodes.push({ ...episode, withheld: refused });
        continue;
      }
      const { view, release } = await this.subjects.view(subjectId, { roles: reader.roles, purpose }, now);
      // the custody entry as the view released it (already cut and tallied for the audit)
      episode.child = view.chronology.find((c) => c.agency === 'police' && c.kind === 'custody-entry' && c.record.custodyRef === r.custody_ref)?.record ?? null;
      episode.consolidated = { openToYjs: view.flags.openToYjs, knownRisks: knownRisks(view.flags), signposts: view.signposts.map((s) => s.agency) };
      releases.push([subjectId, release]);
      episodes.push(episode);
    }
    return { episodes, releases };
  }
}
