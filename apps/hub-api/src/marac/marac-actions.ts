import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface MaracAction {
  id: string;
  referralId: string;
  subjectId: string;
  description: string;
  ownerAgency: string;
  dueOn: string;
  status: 'open' | 'done' | 'not-done';
  overdue: boolean;
  outcome?: string;
  agreedBy: string;
  agreedAt: string;
  closedBy?: string;
  closedAt?: string;
}

/**
 * The action log: actions agreed at the meeting for a listed case, each owned by an agency
 * with a due date; the owner records the outcome. An open action past its due date is
 * overdue: it says so wherever it is listed, and the owner agency's MARAC representative and
 * the coordinator each get a notification of it, once.
 */
@Injectable()
export class MaracActionsService {
  constructor(private readonly dataSource: DataSource) {}

  async agree(referralId: string, by: string, a: { description: string; ownerAgency: string; dueOn: string }): Promise<MaracAction> {
    const [listed] = await this.dataSource.query(`SELECT subject_id FROM hub.marac_screenings WHERE referral_id = $1 AND decision = 'accepted'`, [referralId]);
    if (!listed) throw new NotFoundException(`referral ${referralId} is not listed at a meeting`);
    const id = randomUUID();
    await this.dataSource.query(
      `INSERT INTO hub.marac_actions (id, referral_id, subject_id, description, owner_agency, due_on, agreed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, referralId, listed.subject_id, a.description, a.ownerAgency, a.dueOn, by],
    );
    return (await this.list({ id }))[0];
  }

  async close(id: string, by: string, agencyOf: string | undefined, c: { status: 'done' | 'not-done'; outcome: string }): Promise<MaracAction> {
    const [action] = await this.dataSource.query(`SELECT owner_agency, status FROM hub.marac_actions WHERE id = $1`, [id]);
    if (!action) throw new NotFoundException(`no action ${id}`);
    if (agencyOf !== undefined && agencyOf !== action.owner_agency) throw new NotFoundException(`no action ${id} owned by ${agencyOf}`);
    if (action.status !== 'open') throw new ConflictException({ error: `action ${id} is already ${action.status}`, fields: [] });
    await this.dataSource.query(`UPDATE hub.marac_actions SET status = $2, outcome = $3, closed_by = $4, closed_at = now() WHERE id = $1`, [id, c.status, c.outcome, by]);
    return (await this.list({ id }))[0];
  }

  async list(filter: { id?: string; ids?: string[]; referralId?: string; ownerAgency?: string; overdue?: boolean }, today = new Date()): Promise<MaracAction[]> {
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT *, (status = 'open' AND due_on < $5::date) AS overdue FROM hub.marac_actions
        WHERE ($1::uuid IS NULL OR id = $1) AND ($6::uuid[] IS NULL OR id = ANY($6::uuid[])) AND ($2::uuid IS NULL OR referral_id = $2) AND ($3::text IS NULL OR owner_agency = $3)
          AND ($4::boolean IS NULL OR (status = 'open' AND due_on < $5::date) = $4)
        ORDER BY due_on, agreed_at`,
      [filter.id ?? null, filter.referralId ?? null, filter.ownerAgency ?? null, filter.overdue ?? null, today.toISOString().slice(0, 10), filter.ids ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      referralId: r.referral_id,
      subjectId: r.subject_id,
      description: r.description,
      ownerAgency: r.owner_agency,
      dueOn: r.due_on instanceof Date ? r.due_on.toISOString().slice(0, 10) : String(r.due_on),
      status: r.status,
      overdue: r.overdue,
      ...(r.outcome ? { outcome: r.outcome } : {}),
      agreedBy: r.agreed_by,
      agreedAt: new Date(r.agreed_at).toISOString(),
      ...(r.closed_by ? { closedBy: r.closed_by, closedAt: new Date(r.closed_at).toISOString() } : {}),
    }));
  }

  /** Overdue open actions become notifications for the owner agency's MARAC representative and the coordinator, once each. */
  async notifyOverdue(today = new Date()): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO hub.notifications (id, kind, recipient_role, recipient_team, purpose, subject_id, event_ids, action_id)
       SELECT gen_random_uuid(), 'marac.action-overdue', r.role, r.team, 'marac.risk-management', a.subject_id, '{}', a.id
         FROM hub.marac_actions a
         CROSS JOIN LATERAL (VALUES ('marac-member', a.owner_agency), ('marac-coordinator', NULL)) AS r(role, team)
        WHERE a.status = 'open' AND a.due_on < $1::date
       ON CONFLICT DO NOTHING`,
      [today.toISOString().slice(0, 10)],
    );
  }
}
