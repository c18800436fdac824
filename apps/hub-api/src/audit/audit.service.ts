import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HubUser } from '../auth/demo-users';
import { Release, ReleasedSource } from '../../../../libs/isa/src';
import { auditHash, AuditRow, GENESIS } from './audit-chain';

export type AuditDecision = AuditRow['decision'];

export interface AuditEntry {
  user: HubUser;
  purpose: string | null;
  action: string;
  /** allowed: everything asked for was released; partly-redacted: some records or fields were withheld */
  decision: AuditDecision;
  reason?: string;
  subjectIds?: string[];
  /** the agreement version the decision rested on */
  agreement?: { id: string; version: string };
  released?: ReleasedSource[];
}

/** One audit row per subject of a response about several people, each naming what was released of that person. */
export function perSubject(base: Pick<AuditEntry, 'user' | 'purpose' | 'action'>, releases: [string, Release][]): AuditEntry[] {
  return releases.map(([subjectId, release]) => ({
    ...base,
    decision: release.redacted ? 'partly-redacted' : 'allowed',
    subjectIds: [subjectId],
    agreement: release.agreement,
    released: release.released(),
  }));
}

/**
 * Appends who read what about whom, for which purpose, under which agreement version and
 * clauses, with the fields released. One row per subject disclosed (a list read writes one
 * per person in it); a refusal writes one row with no subject. Rows form a hash chain:
 * writers take a transaction lock, read the last hash and append after it, so the chain
 * order is the commit order.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** `manager`: write inside the caller's transaction, so the audit row commits with what it records. */
  async record(entries: AuditEntry | AuditEntry[], manager?: Pick<EntityManager, 'query'>): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    if (!manager) return this.dataSource.transaction((m) => this.record(list, m));
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('hub.audit_log'))`);
    const [last] = await manager.query(`SELECT hash FROM hub.audit_log ORDER BY id DESC LIMIT 1`);
    let prev: string = last?.hash ?? GENESIS;
    const at = new Date().toISOString();
    const rows: (AuditRow & { prevHash: string; hash: string })[] = [];
    for (const e of list) {
      for (const subjectId of e.subjectIds?.length ? e.subjectIds : [null]) {
        const row: AuditRow = {
          at,
          actor: e.user.sub,
          actorName: e.user.name,
          agency: e.user.agency,
          roles: e.user.roles,
          purpose: e.purpose,
          action: e.action,
          decision: e.decision,
          reason: e.reason ?? null,
          subjectId,
          agreementId: e.agreement?.id ?? null,
          agreementVersion: e.agreement?.version ?? null,
          clauses: [...new Set((e.released ?? []).map((d) => d.clause))],
          released: e.released ?? [],
        };
        const hash = auditHash(prev, row);
        rows.push({ ...row, prevHash: prev, hash });
        prev = hash;
      }
    }
    await manager.query(
      `INSERT INTO hub.audit_log (at, actor, actor_name, agency, roles, purpose, action, decision, reason, subject_id, agreement_id, agreement_version, clauses, released, prev_hash, hash)
       SELECT r.at, r."actor", r."actorName", r.agency, r.roles, r.purpose, r.action, r.decision, r.reason, r."subjectId", r."agreementId", r."agreementVersion", r.clauses, r.released, r."prevHash", r.hash
         FROM jsonb_to_recordset($1::jsonb) AS r(at timestamptz, "actor" text, "actorName" text, agency text, roles text[], purpose text, action text, decision text, reason text,
              "subjectId" uuid, "agreementId" text, "agreementVersion" text, clauses text[], released jsonb, "prevHash" text, hash text, ord int)
        ORDER BY r.ord`,
      [JSON.stringify(rows.map((r, ord) => ({ ...r, ord })))],
    );
  }
}
