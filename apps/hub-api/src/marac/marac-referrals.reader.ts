import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaracCriterion, PersonDto } from '../../../../libs/contracts/src';
import { Release } from '../../../../libs/isa/src';
import { DA_SOURCES, releasedPersons } from '../subjects/subjects.reader';
import { MARAC_QUEUE } from './marac-queue';

export const REFERRAL_STATUSES = ['new', 'accepted', 'rejected', 'merged', 'withdrawn'] as const;

export interface MaracReferralView {
  id: string;
  subjectId: string;
  /** raised by the hub's criteria, or made by an agency on professional judgement */
  source: 'automatic' | 'manual';
  referringAgency: string;
  referralReason?: string;
  /** the victim as the triggering agency knows them, cut to what the agreement gives the reader of that agency's DA records */
  victim: Partial<PersonDto> & { agency: string };
  criterion: MaracCriterion;
  repeat: boolean;
  incidentRefs: string[];
  triggerIncidentRef?: string;
  triggeredAt: string;
  createdAt: string;
  /** new, accepted, rejected, merged (the coordinator's screening) or withdrawn (its grounds went) */
  status: string;
  /** once accepted: the group and the meeting it is listed at */
  listing?: { group: string; meetingId: string; startsAt: string };
  /** once screened: why, as the coordinator recorded it */
  screening?: { decidedBy: string; decidedAt: string; reason?: string; mergedInto?: string };
}

/**
 * Reads the coordinator's queue (`MARAC_QUEUE`: referrals consolidation raised, and those
 * agencies made) with the screening of each. The victim goes through the policy decision
 * point: for a raised referral as part of the triggering agency's DA record (the reader gets
 * the `victim.*` fields its clause names: for MARAC name, date of birth, postcode; no
 * identifiers, no address); an agency's referral likewise as that agency's DA record, or for
 * an agency with none, what the reader's clauses give of that person. A referral whose victim
 * the reader may see nothing of is left out.
 */
@Injectable()
export class MaracReferralsReader {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: { status?: string; subjectId?: string; id?: string; limit: number; offset: number }, releaseFor: (subjectId: string) => Release): Promise<MaracReferralView[]> {
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT q.*, COALESCE(s.decision, q.raised_status) AS status, s.marac_group, s.meeting_id, m.starts_at, s.decided_by, s.decided_at, s.reason, s.merged_into
         FROM ${MARAC_QUEUE} q
         LEFT JOIN hub.marac_screenings s ON s.referral_id = q.id
         LEFT JOIN hub.marac_meetings m ON m.id = s.meeting_id
        WHERE ($1::text IS NULL OR COALESCE(s.decision, q.raised_status) = $1) AND ($2::uuid IS NULL OR q.subject_id = $2) AND ($5::uuid IS NULL OR q.id = $5)
        ORDER BY q.created_at DESC, q.id
        LIMIT $3 OFFSET $4`,
      [filter.status ?? null, filter.subjectId ?? null, filter.limit, filter.offset, filter.id ?? null],
    );
    const out: MaracReferralView[] = [];
    for (const r of rows) {
      const victim = await this.victimAsSeen(releaseFor(r.subject_id), r.source, { agency: r.victim_agency, personRef: r.victim_ref, person: r.victim });
      if (!victim) continue;
      out.push({
        id: r.id,
        subjectId: r.subject_id,
        source: r.source,
        referringAgency: r.referring_agency,
        ...(r.referral_reason ? { referralReason: r.referral_reason } : {}),
        victim,
        criterion: r.criterion,
        repeat: r.repeat,
        incidentRefs: r.incident_refs,
        ...(r.trigger_incident_ref ? { triggerIncidentRef: r.trigger_incident_ref } : {}),
        triggeredAt: new Date(r.triggered_at).toISOString(),
        createdAt: new Date(r.created_at).toISOString(),
        status: r.status,
        ...(r.meeting_id ? { listing: { group: r.marac_group, meetingId: r.meeting_id, startsAt: new Date(r.starts_at).toISOString() } } : {}),
        ...(r.decided_by
          ? { screening: { decidedBy: r.decided_by, decidedAt: new Date(r.decided_at).toISOString(), ...(r.reason ? { reason: r.reason } : {}), ...(r.merged_into ? { mergedInto: r.merged_into } : {}) } }
          : {}),
      });
    }
    return out;
  }

  /** The victim as this reader may see them: see the class comment. Undefined when nothing may be shown. */
  async victimAsSeen(release: Release, source: string, victim: { agency: string; personRef: string; person: PersonDto }): Promise<(Partial<PersonDto> & { agency: string }) | undefined> {
    // An agency's referral shares the victim as that agency's DA record would (police incident,
    // housing disclosure); an agency with no DA record kind shares what its other clauses give.
    if (source === 'automatic' || DA_SOURCES[victim.agency]) {
      const cut = release.of(DA_SOURCES[victim.agency], { victim: victim.person });
      return cut.tier === 'fields' ? { agency: victim.agency, ...(cut.data.victim as Partial<PersonDto>) } : undefined;
    }
    const seen = (await releasedPersons(this.dataSource, [victim], release)).get(`${victim.agency}:${victim.personRef}`);
    return seen ? { agency: victim.agency, ...(seen as Partial<PersonDto>) } : undefined;
  }
}
