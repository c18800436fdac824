import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MARAC case management is hub-api's: meetings per group, and the coordinator's screening
 * of each referral consolidation raised (accepted and listed at a meeting, rejected, or
 * merged into another referral of the same victim).
 */
export class HubMarac1764500000000 implements MigrationInterface {
  name = 'HubMarac1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.marac_meetings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      marac_group text NOT NULL CHECK (marac_group IN ('north', 'south')),
      starts_at timestamptz NOT NULL,
      UNIQUE (marac_group, starts_at)
    )`);
    await q.query(`CREATE TABLE hub.marac_screenings (
      referral_id uuid PRIMARY KEY,
      subject_id uuid NOT NULL,
      decision text NOT NULL CHECK (decision IN ('accepted', 'rejected', 'merged')),
      reason text,
      merged_into uuid,
      marac_group text CHECK (marac_group IN ('north', 'south')),
      meeting_id uuid REFERENCES hub.marac_meetings (id),
      decided_by text NOT NULL,
      decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX marac_screenings_meeting ON hub.marac_screenings (meeting_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.marac_screenings`);
    await q.query(`DROP TABLE hub.marac_meetings`);
  }
}
