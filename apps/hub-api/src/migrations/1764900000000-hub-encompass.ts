import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operation Encompass: a school's notification points at the consolidation row of the one
 * child it is about (`school_notification_id`: which child, and so what the school may see
 * of the incident), once per school. Any notification can be acknowledged by a recipient:
 * who and when, recorded once.
 */
export class HubEncompass1764900000000 implements MigrationInterface {
  name = 'HubEncompass1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hub.notifications
      ADD COLUMN school_notification_id uuid,
      ADD COLUMN acknowledged_at timestamptz,
      ADD COLUMN acknowledged_by jsonb`);
    await q.query(`CREATE UNIQUE INDEX notifications_school ON hub.notifications (school_notification_id, recipient_team) WHERE school_notification_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX hub.notifications_school`);
    await q.query(`ALTER TABLE hub.notifications DROP COLUMN acknowledged_by, DROP COLUMN acknowledged_at, DROP COLUMN school_notification_id`);
  }
}
