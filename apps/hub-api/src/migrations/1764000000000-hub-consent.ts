import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent per subject and purpose, and overrides of it. Rows keep the subject id they were
 * recorded against; readers follow merges (consolidation.subjects.merged_into) to add them up.
 */
export class HubConsent1764000000000 implements MigrationInterface {
  name = 'HubConsent1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.consent_statements (
      id uuid PRIMARY KEY,
      subject_id uuid NOT NULL,
      purpose text NOT NULL,
      state text NOT NULL CHECK (state IN ('given', 'refused', 'withdrawn')),
      stated_at timestamptz NOT NULL,
      note text,
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX consent_statements_subject ON hub.consent_statements (subject_id, purpose)`);
    await q.query(`CREATE TABLE hub.consent_overrides (
      id uuid PRIMARY KEY,
      subject_id uuid NOT NULL,
      purpose text NOT NULL,
      reason text NOT NULL,
      decision_maker text NOT NULL,
      decided_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX consent_overrides_subject ON hub.consent_overrides (subject_id, purpose)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.consent_overrides`);
    await q.query(`DROP TABLE hub.consent_statements`);
  }
}
