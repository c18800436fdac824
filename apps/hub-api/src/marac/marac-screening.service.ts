import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { homeArea, MaracGroup, PersonDto } from '../../../../libs/contracts/src';
import { badRequest } from '../../../../libs/platform/src';
import { followingMeetingAt, MaracGroupConfig, nextMeetingAt } from './marac-groups';
import { MARAC_QUEUE } from './marac-queue';

const DAY = 86_400_000;
const RISK_RANK = "CASE q.risk_level WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END";

export interface AgendaCase {
  referralId: string;
  subjectId: string;
  criterion: string;
  repeat: boolean;
  riskLevel: string;
  /** DASH ticks of the triggering incident; none for a referral on professional judgement */
  ticks: number | null;
  source: 'automatic' | 'manual';
  triggeredAt: string;
  /** the victim's agency record (cut for the reader by the controller) */
  victim: { agency: string; personRef: string; person: PersonDto };
}

/**
 * The coordinator's screening: accept a referral (listed at the next meeting of the victim's
 * group with time for research), reject it with a reason, or merge a duplicate into another
 * referral of the same victim. Agendas are ordered by risk, then repeat, then DASH ticks,
 * then age; past the group's cap the lowest go to the following meeting.
 */
@Injectable()
export class MaracScreeningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly groups: Record<MaracGroup, MaracGroupConfig>,
  ) {}

  async accept(referralId: string, by: string, opts: { group?: MaracGroup; reason?: string }, now = new Date()): Promise<{ group: MaracGroup; meetingId: string; startsAt: string; subjectId: string }> {
    return this.dataSource.transaction(async (m) => {
      const r = await this.pending(m, referralId);
      const group = opts.group ?? this.groupOf(r.person);
      const meeting = await this.meetingFrom(m, group, new Date(now.getTime() + this.groups[group].researchDays * DAY));
      await m.query(
        `INSERT INTO hub.marac_screenings (referral_id, subject_id, decision, reason, marac_group, meeting_id, decided_by) VALUES ($1, $2, 'accepted', $3, $4, $5, $6)`,
        [referralId, r.subject_id, opts.reason ?? null, group, meeting.id, by],
      );
      await this.rebalance(m, group, meeting);
      const [listed] = await m.query(`SELECT m.id, m.starts_at FROM hub.marac_screenings s JOIN hub.marac_meetings m ON m.id = s.meeting_id WHERE s.referral_id = $1`, [referralId]);
      return { group, meetingId: listed.id, startsAt: new Date(listed.starts_at).toISOString(), subjectId: r.subject_id };
    });
  }

  async reject(referralId: string, by: string, reason: string): Promise<{ subjectId: string }> {
    return this.dataSource.transaction(async (m) => {
      const r = await this.pending(m, referralId);
      await m.query(`INSERT INTO hub.marac_screenings (referral_id, subject_id, decision, reason, decided_by) VALUES ($1, $2, 'rejected', $3, $4)`, [referralId, r.subject_id, reason, by]);
      return { subjectId: r.subject_id };
    });
  }

  /** A duplicate goes into another referral of the same victim that is not itself rejected or merged. */
  async merge(referralId: string, into: string, by: string, reason: string): Promise<{ subjectId: string }> {
    return this.dataSource.transaction(async (m) => {
      const r = await this.pending(m, referralId);
      const [target] = await m.query(`SELECT q.id, q.subject_id, s.decision FROM ${MARAC_QUEUE} q LEFT JOIN hub.marac_screenings s ON s.referral_id = q.id WHERE q.id = $1`, [into]);
      const faults = [
        ...(!target ? [{ path: 'into', reason: `no referral ${into}` }] : []),
        ...(target && target.subject_id !== r.subject_id ? [{ path: 'into', reason: 'a referral of another victim: only duplicates of one victim merge' }] : []),
        ...(target && ['rejected', 'merged'].includes(target.decision) ? [{ path: 'into', reason: `that referral is ${target.decision}` }] : []),
        ...(into === referralId ? [{ path: 'into', reason: 'a referral cannot merge into itself' }] : []),
      ];
      if (faults.length) throw badRequest('cannot merge', faults);
      await m.query(`INSERT INTO hub.marac_screenings (referral_id, subject_id, decision, reason, merged_into, decided_by) VALUES ($1, $2, 'merged', $3, $4, $5)`, [referralId, r.subject_id, reason, into, by]);
      return { subjectId: r.subject_id };
    });
  }

  /** The next meetings of a group (created as the schedule reaches them), with how many cases each has. */
  async meetings(group: MaracGroup, from = new Date(), count = 6): Promise<{ id: string; group: MaracGroup; startsAt: string; cases: number; cap: number; attendees: string[] }[]> {
    const config = this.groups[group];
    const out = [];
    let at = nextMeetingAt(config, from);
    for (let i = 0; i < count; i++, at = followingMeetingAt(config, at)) {
      const meeting = await this.meetingAt(this.dataSource.manager, group, at);
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM hub.marac_screenings WHERE meeting_id = $1`, [meeting.id]);
      out.push({ id: meeting.id, group, startsAt: at.toISOString(), cases: n, cap: config.cap, attendees: config.attendees });
    }
    return out;
  }

  async agenda(meetingId: string): Promise<{ id: string; group: MaracGroup; startsAt: string; cap: number; attendees: string[]; cases: AgendaCase[] }> {
    const [meeting] = await this.dataSource.query(`SELECT id, marac_group, starts_at FROM hub.marac_meetings WHERE id = $1`, [meetingId]);
    if (!meeting) throw new NotFoundException(`no MARAC meeting ${meetingId}`);
    const config = this.groups[meeting.marac_group as MaracGroup];
    return {
      id: meeting.id,
      group: meeting.marac_group,
      startsAt: new Date(meeting.starts_at).toISOString(),
      cap: config.cap,
      attendees: config.attendees,
      cases: await this.ordered(this.dataSource.manager, meetingId),
    };
  }

  private async ordered(m: EntityManager, meetingId: string): Promise<AgendaCase[]> {
    const rows: Record<string, any>[] = await m.query(
      `SELECT s.referral_id, q.subject_id, q.criterion, q.repeat, q.risk_level, q.ticks, q.source, q.triggered_at, q.victim_agency, q.victim_ref, q.victim
         FROM hub.marac_screenings s JOIN ${MARAC_QUEUE} q ON q.id = s.referral_id
        WHERE s.meeting_id = $1
        ORDER BY ${RISK_RANK} DESC, q.repeat DESC, q.ticks DESC NULLS LAST, q.triggered_at, s.referral_id`,
      [meetingId],
    );
    return rows.map((r) => ({
      referralId: r.referral_id, subjectId: r.subject_id, criterion: r.criterion, repeat: r.repeat, riskLevel: r.risk_level, ticks: r.ticks, source: r.source, triggeredAt: new Date(r.triggered_at).toISOString(),
      victim: { agency: r.victim_agency, personRef: r.victim_ref, person: r.victim },
    }));
  }

  /** Past the cap, the lowest-priority cases move to the following meeting (which may pass them on in turn). */
  private async rebalance(m: EntityManager, group: MaracGroup, meeting: { id: string; starts_at: Date }): Promise<void> {
    const config = this.groups[group];
    let current = meeting;
    for (;;) {
      const cases = await this.ordered(m, current.id);
      if (cases.length <= config.cap) return;
      const next = await this.meetingAt(m, group, followingMeetingAt(config, new Date(current.starts_at)));
      await m.query(`UPDATE hub.marac_screenings SET meeting_id = $2 WHERE referral_id = ANY($1::uuid[])`, [cases.slice(config.cap).map((c) => c.referralId), next.id]);
      current = next;
    }
  }

  private groupOf(person: PersonDto): MaracGroup {
    const area = homeArea(person.address?.postcode);
    if (area.placed === 'in-area') return area.group;
    const why =
      area.placed === 'shared'
        ? `the victim's postcode district ${area.district} crosses a boundary (${area.candidates.join(' or ')}): say which group hears it`
        : area.placed === 'outside'
          ? `the victim lives outside Cleveland (${area.district}): refer to the home area's MARAC, or say which group hears it`
          : `${area.reason}: say which group hears it`;
    throw badRequest('the victim’s MARAC group is not known', [{ path: 'group', reason: why }]);
  }

  private async pending(m: EntityManager, referralId: string): Promise<{ subject_id: string; person: PersonDto }> {
    // one screening of a referral at a time
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('marac-screening:' || $1))`, [referralId]);
    const [r] = await m.query(
      `SELECT q.subject_id, q.raised_status, q.victim AS person, s.decision FROM ${MARAC_QUEUE} q LEFT JOIN hub.marac_screenings s ON s.referral_id = q.id WHERE q.id = $1`,
      [referralId],
    );
    if (!r) throw new NotFoundException(`no referral ${referralId}`);
    if (r.decision) throw new ConflictException({ error: `referral ${referralId} is already ${r.decision}`, fields: [] });
    if (r.raised_status === 'withdrawn') throw new ConflictException({ error: `referral ${referralId} was withdrawn: its grounds are gone`, fields: [] });
    return r;
  }

  private async meetingFrom(m: EntityManager, group: MaracGroup, from: Date) {
    return this.meetingAt(m, group, nextMeetingAt(this.groups[group], from));
  }

  private async meetingAt(m: Pick<EntityManager, 'query'>, group: MaracGroup, at: Date): Promise<{ id: string; starts_at: Date }> {
    await m.query(`INSERT INTO hub.marac_meetings (marac_group, starts_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [group, at.toISOString()]);
    const [row] = await m.query(`SELECT id, starts_at FROM hub.marac_meetings WHERE marac_group = $1 AND starts_at = $2`, [group, at.toISOString()]);
    return row;
  }
}
