import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Release } from '../../../../libs/isa/src';
import { MaracGroupConfig } from './marac-groups';

const DAY = 86_400_000;
/** Research is due this long before the meeting, so the coordinator can assemble the pack. */
export const RESEARCH_DUE_BEFORE_MEETING = 2 * DAY;

export interface ResearchSection {
  agency: string;
  dueAt: string;
  status: 'requested' | 'submitted' | 'overdue';
  /** what the hub holds from this agency about the victim, as the agreement lets this reader see it under MARAC */
  prefill: { kind: string; role: string; clause: string; record: Record<string, unknown> }[];
  /** agencies whose records here are signposts: the representative brings what is relevant */
  signposted: boolean;
  /** the latest submission; earlier ones are kept (`versions` counts them all) */
  submission?: { summary: string; risks?: string; corrections?: string; submittedBy: string; submittedAt: string; versions: number };
}

/**
 * Agency research for a listed case: every agency round the table is asked by the meeting's
 * research deadline; the hub pre-fills each agency's section with that agency's records about
 * the victim as the reader's MARAC clauses give them, and the agency's representative
 * completes or corrects it. The deadline follows the case if it moves to another meeting.
 */
@Injectable()
export class MaracResearchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly groups: Record<'north' | 'south', MaracGroupConfig>,
  ) {}

  async sections(referralId: string, release: Release, now = new Date()): Promise<{ subjectId: string; meetingId: string; startsAt: string; sections: ResearchSection[] }> {
    const [listing] = await this.dataSource.query(
      `SELECT s.subject_id, s.marac_group, m.id AS meeting_id, m.starts_at FROM hub.marac_screenings s JOIN hub.marac_meetings m ON m.id = s.meeting_id WHERE s.referral_id = $1 AND s.decision = 'accepted'`,
      [referralId],
    );
    if (!listing) throw new NotFoundException(`referral ${referralId} is not listed at a meeting`);
    const dueAt = new Date(new Date(listing.starts_at).getTime() - RESEARCH_DUE_BEFORE_MEETING);
    const records: { agency: string; kind: string; role: string; event_type: string; record: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT c.agency, c.kind, c.role, c.event_type, c.record FROM consolidation.chronology c JOIN consolidation.persons p USING (agency, person_ref)
        WHERE p.subject_id = $1 ORDER BY c.occurred_at, c.id`,
      [listing.subject_id],
    );
    const submitted: Record<string, any>[] = await this.dataSource.query(
      `SELECT DISTINCT ON (agency) *, count(*) OVER (PARTITION BY agency) AS versions FROM hub.marac_research WHERE referral_id = $1 ORDER BY agency, id DESC`,
      [referralId],
    );
    const sections = this.groups[listing.marac_group as 'north' | 'south'].attendees.map((agency): ResearchSection => {
      const prefill: ResearchSection['prefill'] = [];
      let signposted = false;
      for (const r of records.filter((x) => x.agency === agency)) {
        const cut = release.of(r.event_type, r.record);
        if (cut.tier === 'fields') prefill.push({ kind: r.kind, role: r.role, clause: cut.clause, record: cut.data });
        if (cut.tier === 'signpost') signposted = true;
      }
      const s = submitted.find((x) => x.agency === agency);
      return {
        agency,
        dueAt: dueAt.toISOString(),
        status: s ? 'submitted' : now > dueAt ? 'overdue' : 'requested',
        prefill,
        signposted,
        ...(s
          ? { submission: { summary: s.summary, ...(s.risks ? { risks: s.risks } : {}), ...(s.corrections ? { corrections: s.corrections } : {}), submittedBy: s.submitted_by, submittedAt: new Date(s.submitted_at).toISOString(), versions: Number(s.versions) } }
          : {}),
      };
    });
    return { subjectId: listing.subject_id, meetingId: listing.meeting_id, startsAt: new Date(listing.starts_at).toISOString(), sections };
  }

  /** An agency's research; submitting again corrects it (the latest stands, earlier versions are kept). */
  async submit(referralId: string, agency: string, by: string, research: { summary: string; risks?: string; corrections?: string }): Promise<{ subjectId: string }> {
    const [listing] = await this.dataSource.query(`SELECT subject_id, marac_group FROM hub.marac_screenings WHERE referral_id = $1 AND decision = 'accepted'`, [referralId]);
    if (!listing) throw new NotFoundException(`referral ${referralId} is not listed at a meeting`);
    if (!this.groups[listing.marac_group as 'north' | 'south'].attendees.includes(agency)) throw new NotFoundException(`${agency} is not asked for research at the ${listing.marac_group} MARAC`);
    await this.dataSource.query(
      `INSERT INTO hub.marac_research (referral_id, agency, summary, risks, corrections, submitted_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [referralId, agency, research.summary, research.risks ?? null, research.corrections ?? null, by],
    );
    return { subjectId: listing.subject_id };
  }
}
