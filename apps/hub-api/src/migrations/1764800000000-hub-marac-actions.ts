import { MigrationInterface, QueryRunner } from 'typeorm';

/** The MARAC action log: what each agency agreed to do for a case, by when, and what came of it. */
export class HubMaracActions1764800000000 implements MigrationInterface {
  name = 'HubMaracActions1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.marac_actions (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL,
      subject_id uuid NOT NULL,
      description text NOT NULL,
      owner_agency text NOT NULL,
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'not-done')),
      outcome text,
      agreed_by text NOT NULL,
      agreed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      closed_by text,
      closed_at timestamptz
    )`);
    await q.query(`CREATE INDEX marac_actions_open ON hub.marac_actions (owner_agency, due_on) WHERE status = 'open'`);
    await q.query(`CREATE INDEX marac_actions_case ON hub.marac_actions (referral_id)`);
    // an overdue action is told to its owner and the coordinator once each
    await q.query(`ALTER TABLE hub.notifications ADD COLUMN action_id uuid`);
    await q.query(`CREATE UNIQUE INDEX notifications_action ON hub.notifications (action_id, recipient_role, recipient_team) NULLS NOT DISTINCT WHERE action_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX hub.notifications_action`);
    await q.query(`ALTER TABLE hub.notifications DROP COLUMN action_id`);
    await q.query(`DROP TABLE hub.marac_actions`);
  }
}
