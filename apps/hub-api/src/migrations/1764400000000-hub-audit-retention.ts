import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is kept as long as the agreement's `audit.oversight` purpose says, then its
 * oldest rows go. The chain must still verify: each sweep writes an anchor (the first row
 * kept and the hash it follows), and verification starts from the latest anchor. Only the
 * sweep may delete, and only with its session setting on; nobody may update.
 */
export class HubAuditRetention1764400000000 implements MigrationInterface {
  name = 'HubAuditRetention1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.audit_anchors (
      id serial PRIMARY KEY,
      first_id bigint NOT NULL,
      prev_hash text NOT NULL,
      cutoff timestamptz NOT NULL,
      rows_deleted int NOT NULL,
      swept_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE OR REPLACE FUNCTION hub.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('hub.audit_sweep', true) = 'on' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'hub.audit_log is append-only';
      END $$`);
    await q.query(`CREATE FUNCTION hub.audit_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'hub.audit_anchors is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON hub.audit_anchors FOR EACH ROW EXECUTE FUNCTION hub.audit_anchors_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.audit_anchors`);
    await q.query(`DROP FUNCTION hub.audit_anchors_append_only()`);
    await q.query(`CREATE OR REPLACE FUNCTION hub.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'hub.audit_log is append-only'; END $$`);
  }
}
