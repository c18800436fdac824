import { MigrationInterface, QueryRunner } from 'typeorm';

/** Children in custody: the appropriate adult status a navigator keeps per custody notification (PACE Code C). */
export class HubCustody1765000000000 implements MigrationInterface {
  name = 'HubCustody1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.custody_appropriate_adults (
      notification_id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('requested', 'present', 'navigator-acting', 'not-required')),
      updated_by jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.custody_appropriate_adults`);
  }
}
