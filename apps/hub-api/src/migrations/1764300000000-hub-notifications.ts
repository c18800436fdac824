import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications to a team: what they are about (the subject and the source records, by
 * event id) and for which purpose, never their content. The content is cut by the policy
 * decision point when the notification is delivered, for the person reading it.
 */
export class HubNotifications1764300000000 implements MigrationInterface {
  name = 'HubNotifications1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.notifications (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      recipient_role text NOT NULL,
      recipient_team text,
      purpose text NOT NULL,
      subject_id uuid,
      event_ids uuid[] NOT NULL,
      work_item_id uuid,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      first_delivered_at timestamptz
    )`);
    await q.query(`CREATE INDEX notifications_recipient ON hub.notifications (recipient_role, purpose, created_at)`);
    await q.query(`CREATE UNIQUE INDEX notifications_work_item ON hub.notifications (work_item_id, recipient_team) WHERE work_item_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.notifications`);
  }
}
