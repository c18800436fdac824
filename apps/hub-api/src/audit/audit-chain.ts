import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReleasedSource } from '../../../../libs/isa/src';

/** What one audit row says; the hash covers all of it and the previous row's hash. */
export interface AuditRow {
  at: string;
  actor: string;
  actorName: string;
  agency: string;
  roles: string[];
  purpose: string | null;
  action: string;
  decision: 'allowed' | 'partly-redacted' | 'denied';
  reason: string | null;
  subjectId: string | null;
  agreementId: string | null;
  agreementVersion: string | null;
  clauses: string[];
  /** per source record type: the clause applied, its tier, the fields released and how many records */
  released: ReleasedSource[];
}


export const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level, so the same row always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, row: AuditRow): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

const COLUMNS = `id, at, actor, actor_name, agency, roles, purpose, action, decision, reason, subject_id, agreement_id, agreement_version, clauses, released, prev_hash, hash`;

export function rowOf(r: Record<string, any>): AuditRow {
  return {
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    actorName: r.actor_name,
    agency: r.agency,
    roles: r.roles,
    purpose: r.purpose,
    action: r.action,
    decision: r.decision,
    reason: r.reason,
    subjectId: r.subject_id,
    agreementId: r.agreement_id,
    agreementVersion: r.agreement_version,
    clauses: r.clauses,
    released: r.released,
  };
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  /** the first row whose hash or link does not hold, and why */
  brokenAt?: { id: string; reason: string };
  lastHash: string;
}

/**
 * Walks the audit log in order, recomputing each hash from the row and the one before it.
 * An edited, deleted, inserted or reordered row breaks the chain at that row.
 */
export async function verifyAuditChain(dataSource: Pick<DataSource, 'query'>, onProgress?: (rows: number) => void, pageSize = 5000): Promise<ChainReport> {
  // After a retention sweep the chain starts at the latest anchor: the first row kept and the hash it follows.
  const [anchor] = await dataSource.query(`SELECT first_id, prev_hash FROM hub.audit_anchors ORDER BY id DESC LIMIT 1`);
  let prev: string = anchor?.prev_hash ?? GENESIS;
  let rows = 0;
  let after = anchor ? String(BigInt(anchor.first_id) - 1n) : '0';
  for (;;) {
    const page: Record<string, any>[] = await dataSource.query(`SELECT ${COLUMNS} FROM hub.audit_log WHERE id > $1 ORDER BY id LIMIT $2`, [after, pageSize]);
    if (page.length === 0) return { ok: true, rows, lastHash: prev };
    for (const r of page) {
      if (r.prev_hash !== prev) return { ok: false, rows, brokenAt: { id: String(r.id), reason: 'does not follow the row before it (a row was deleted, inserted or reordered)' }, lastHash: prev };
      if (auditHash(prev, rowOf(r)) !== r.hash) return { ok: false, rows, brokenAt: { id: String(r.id), reason: 'its content does not match its hash (the row was edited)' }, lastHash: prev };
      prev = r.hash;
      rows++;
    }
    after = String(page[page.length - 1].id);
    onProgress?.(rows);
  }
}
