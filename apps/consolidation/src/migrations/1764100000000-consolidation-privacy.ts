import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure and retention. The erasure register names the agency persons the hub must forget,
 * by the agency's reference only (no name, no date of birth): consolidation consults it at
 * intake, so a replay of the Kafka log does not bring them back, and a rebuild keeps it.
 */
export class ConsolidationPrivacy1764100000000 implements MigrationInterface {
  name = 'ConsolidationPrivacy1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.erasures (
      agency text NOT NULL,
      person_ref text NOT NULL,
      request_id uuid NOT NULL,
      subject_id uuid NOT NULL,
      erased_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (agency, person_ref)
    )`);
    // A subject whose people were all erased keeps its id (old and merged ids still resolve, to "erased").
    await q.query(`ALTER TABLE consolidation.subjects ADD COLUMN erased_at timestamptz`);
    // One row per retention sweep: what it deleted, per agency and table (counts only).
    await q.query(`CREATE TABLE consolidation.retention_sweeps (
      id bigserial PRIMARY KEY,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      swept_to jsonb NOT NULL,
      deleted jsonb NOT NULL
    )`);
    // The sweep deletes by time per agency; these keep it off whole-table scans.
    await q.query(`CREATE INDEX chronology_agency_time ON consolidation.chronology (agency, occurred_at)`);
    await q.query(`CREATE INDEX da_incidents_agency_time ON consolidation.da_incidents (agency, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consolidation.da_incidents_agency_time`);
    await q.query(`DROP INDEX consolidation.chronology_agency_time`);
    await q.query(`DROP TABLE consolidation.retention_sweeps`);
    await q.query(`ALTER TABLE consolidation.subjects DROP COLUMN erased_at`);
    await q.query(`DROP TABLE consolidation.erasures`);
  }
}
