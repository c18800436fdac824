import { MigrationInterface, QueryRunner } from 'typeorm';

/** Erasure and restriction requests (logged by one person, decided by another) and the restrictions in force. */
export class HubSubjectRights1764200000000 implements MigrationInterface {
  name = 'HubSubjectRights1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.rights_requests (
      id uuid PRIMARY KEY,
      subject_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('erasure', 'restriction')),
      received_at timestamptz NOT NULL,
      due_by date NOT NULL,
      grounds text NOT NULL,
      logged_by text NOT NULL,
      logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
      decided_by text,
      decided_at timestamptz,
      decision_reason text
    )`);
    await q.query(`CREATE INDEX rights_requests_subject ON hub.rights_requests (subject_id)`);
    await q.query(`CREATE TABLE hub.restrictions (
      subject_id uuid NOT NULL,
      request_id uuid NOT NULL REFERENCES hub.rights_requests (id),
      restricted_at timestamptz NOT NULL,
      lifted_at timestamptz,
      lifted_by text,
      lift_reason text
    )`);
    await q.query(`CREATE UNIQUE INDEX restrictions_in_force ON hub.restrictions (subject_id) WHERE lifted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.restrictions`);
    await q.query(`DROP TABLE hub.rights_requests`);
  }
}
