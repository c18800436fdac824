import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaracCriterion, PersonDto } from '../../../../libs/contracts/src';
import { Release } from '../../../../libs/isa/src';
import { DA_SOURCES } from '../subjects/subjects.reader';

export const REFERRAL_STATUSES = ['new', 'accepted', 'rejected', 'merged', 'withdrawn'] as const;

export interface MaracReferralView {
  id: string;
  subjectId: string;
  /** the victim as the triggering agency knows them, cut to what the agreement gives the reader of that agency's DA records */
  victim: Partial<PersonDto> & { agency: string };
  criterion: MaracCriterion;
  repeat: boolean;
  incidentRefs: string[];
  triggerIncidentRef: string;
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
 * Reads the referral read model that consolidation writes (hub-api never writes it). The
 * victim, as the agency whose incident triggered it knows them, goes through the policy
 * decision point as part of that agency's DA record: the reader gets the `victim.*` fields
 * its clause names (for MARAC: name, date of birth, postcode; no identifiers, no address).
 * A referral whose DA record is not shared with the reader is left out.
 */
@Injectable()
export class MaracReferralsReader {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: { status?: string; subjectId?: string; limit: number; offset: number }, release: Release): Promise<MaracReferralView[]> {
    const rows = await this.dataSource.query(
      `SELECT r.id, r.subject_id, r.criterion, r.repeat, r.incident_refs, r.trigger_incident_ref, r.triggered_at, r.created_at,
              COALESCE(s.decision, r.status) AS status, s.marac_group, s.meeting_id, m.starts_at, s.decided_by, s.decided_at, s.reason, s.merged_into,
              p.agency, p.person
         FROM consolidation.marac_referrals r
         LEFT JOIN hub.marac_screenings s ON s.referral_id = r.id
         LEFT JOIN hub.marac_meetings m ON m.id = s.meeting_id
         JOIN consolidation.da_incidents d ON d.agency = r.trigger_agency AND d.incident_ref = r.trigger_incident_ref
         JOIN consolidation.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
        WHERE ($1::text IS NULL OR COALESCE(s.decision, r.status) = $1) AND ($2::uuid IS NULL OR r.subject_id = $2)
        ORDER BY r.created_at DESC, r.id
        LIMIT $3 OFFSET $4`,
      [filter.status ?? null, filter.subjectId ?? null, filter.limit, filter.offset],
    );
    return rows.flatMap((r: Record<string, never>) => {
      const out = release.of(DA_SOURCES[r.agency], { victim: r.person as PersonDto });
      if (out.tier !== 'fields') return [];
      return [{
        id: r.id,
        subjectId: r.subject_id,
        victim: { agency: r.agency, ...(out.data.victim as Partial<PersonDto>) },
        criterion: r.criterion,
        repeat: r.repeat,
        incidentRefs: r.incident_refs,
        triggerIncidentRef: r.trigger_incident_ref,
        triggeredAt: new Date(r.triggered_at).toISOString(),
        createdAt: new Date(r.created_at).toISOString(),
        status: r.status,
        ...(r.meeting_id ? { listing: { group: r.marac_group, meetingId: r.meeting_id, startsAt: new Date(r.starts_at).toISOString() } } : {}),
        ...(r.decided_by
          ? { screening: { decidedBy: r.decided_by, decidedAt: new Date(r.decided_at).toISOString(), ...(r.reason ? { reason: r.reason } : {}), ...(r.merged_into ? { mergedInto: r.merged_into } : {}) } }
          : {}),
      }];
    });
  }
}
