import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records about no one (a deliberate fire with nobody named): kept whole, once, so that
 * depersonalised feeds and notifications can deliver them under the agreement like any
 * other record. Records about people live in the chronology, one row per person.
 */
export class ConsolidationImpersonalRecords1764200000000 implements MigrationInterface {
  name = 'ConsolidationImpersonalRecords1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.impersonal_records (
      event_id uuid PRIMARY KEY,
      event_type text NOT NULL,
      agency text NOT NULL,
      kind text NOT NULL,
      record_ref text NOT NULL,
      occurred_at timestamptz NOT NULL,
      record jsonb NOT NULL
    )`);
    await q.query(`CREATE INDEX impersonal_records_agency_time ON consolidation.impersonal_records (agency, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consolidation.impersonal_records`);
  }
}
