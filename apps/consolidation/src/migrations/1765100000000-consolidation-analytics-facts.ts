import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics facts (issue 7): one row per agency record consolidation has taken in, with no
 * person in it (libs/analytics `analyticsFact`). The indicators count these; the analysts'
 * feeds follow them in commit order: `tx` is the inserting transaction, and a reader takes
 * only rows of transactions older than every one still running (`pg_snapshot_xmin`), so a
 * row committed late with a lower `seq` is never skipped.
 */
export class ConsolidationAnalyticsFacts1765100000000 implements MigrationInterface {
  name = 'ConsolidationAnalyticsFacts1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.analytics_facts (
      event_id uuid PRIMARY KEY,
      seq bigserial NOT NULL,
      tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_type text NOT NULL,
      agency text NOT NULL,
      kind text NOT NULL,
      occurred_at timestamptz NOT NULL,
      ward text,
      outward_postcode text,
      category text,
      fields jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX analytics_facts_order ON consolidation.analytics_facts (tx, seq)`);
    await q.query(`CREATE INDEX analytics_facts_kind ON consolidation.analytics_facts (kind, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consolidation.analytics_facts`);
  }
}
