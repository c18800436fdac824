import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The custody inbox (issue 6): the custody notifications the hub raised for this YJS's
 * teams, and what each team did with them. Refs and hub ids only, like the event: the
 * child's details stay in hub-api, released per request under the agreement and audited.
 */
export class YouthJusticeInbox1764000000000 implements MigrationInterface {
  name = 'YouthJusticeInbox1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE youth_justice.custody_inbox (
      notification_id uuid PRIMARY KEY,
      custody_ref text NOT NULL,
      custody_event_id uuid NOT NULL,
      subject_id uuid NOT NULL,
      team text NOT NULL,
      arrived_at timestamptz NOT NULL,
      child_basis text NOT NULL,
      age_at_arrival int,
      appropriate_adult_required boolean NOT NULL,
      raised_at timestamptz NOT NULL,
      raised_event_id uuid NOT NULL,
      correlation_id text NOT NULL,
      received_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by jsonb,
      escalated_at timestamptz,
      released_at timestamptz,
      outcome text,
      release_event_id uuid,
      CONSTRAINT custody_inbox_acknowledged_by CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
      CONSTRAINT custody_inbox_released CHECK ((released_at IS NULL) = (outcome IS NULL))
    )`);
    // A team's inbox, newest first.
    await q.query(`CREATE INDEX custody_inbox_team ON youth_justice.custody_inbox (team, arrived_at DESC)`);
    // The escalation sweep reads only what is still waiting, oldest first.
    await q.query(`CREATE INDEX custody_inbox_awaiting ON youth_justice.custody_inbox (received_at) WHERE acknowledged_at IS NULL AND escalated_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE youth_justice.custody_inbox`);
  }
}
