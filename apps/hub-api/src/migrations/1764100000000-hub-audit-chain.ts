import { MigrationInterface, QueryRunner } from 'typeorm';
import { auditHash, GENESIS, rowOf } from '../audit/audit-chain';

/**
 * The audit log names the agreement, version and clauses each decision rested on and the
 * fields released, and becomes a hash chain (each row's hash covers the row and the one
 * before), so an edit, deletion or insertion is detectable (`npm run audit:verify`).
 * Rows written before this migration are chained in id order.
 */
export class HubAuditChain1764100000000 implements MigrationInterface {
  name = 'HubAuditChain1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hub.audit_log
      DROP CONSTRAINT IF EXISTS audit_log_decision_check,
      ADD CONSTRAINT audit_log_decision_check CHECK (decision IN ('allowed', 'partly-redacted', 'denied')),
      ADD COLUMN agreement_id text,
      ADD COLUMN agreement_version text,
      ADD COLUMN clauses text[] NOT NULL DEFAULT '{}',
      ADD COLUMN released jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN prev_hash text,
      ADD COLUMN hash text`);
    let prev = GENESIS;
    const rows: Record<string, unknown>[] = await q.query(`SELECT * FROM hub.audit_log ORDER BY id`);
    for (const r of rows) {
      const hash = auditHash(prev, rowOf(r));
      await q.query(`UPDATE hub.audit_log SET prev_hash = $2, hash = $3 WHERE id = $1`, [r.id, prev, hash]);
      prev = hash;
    }
    await q.query(`ALTER TABLE hub.audit_log ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL, ALTER COLUMN at DROP DEFAULT`);
    // Append-only for the application: changing history needs a superuser to drop this first,
    // and the chain still shows it.
    await q.query(`CREATE FUNCTION hub.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'hub.audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON hub.audit_log FOR EACH ROW EXECUTE FUNCTION hub.audit_log_append_only()`);
    await q.query(`CREATE INDEX audit_log_actor ON hub.audit_log (actor, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_append_only ON hub.audit_log`);
    await q.query(`DROP FUNCTION hub.audit_log_append_only()`);
    await q.query(`DROP INDEX hub.audit_log_actor`);
    await q.query(`ALTER TABLE hub.audit_log DROP COLUMN agreement_id, DROP COLUMN agreement_version, DROP COLUMN clauses, DROP COLUMN released, DROP COLUMN prev_hash, DROP COLUMN hash`);
  }
}
