import { MigrationInterface, QueryRunner } from 'typeorm';

export class HubInit1763800000000 implements MigrationInterface {
  name = 'HubInit1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor text NOT NULL,
      actor_name text NOT NULL,
      agency text NOT NULL,
      roles text[] NOT NULL,
      purpose text,
      action text NOT NULL,
      decision text NOT NULL CHECK (decision IN ('allowed', 'denied')),
      reason text,
      subject_id uuid
    )`);
    await q.query(`CREATE INDEX audit_log_subject ON hub.audit_log (subject_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.audit_log`);
  }
}
