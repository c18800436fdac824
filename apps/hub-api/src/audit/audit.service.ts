import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HubUser } from '../auth/demo-users';

export type AuditDecision = 'allowed' | 'denied';

export interface AuditEntry {
  user: HubUser;
  purpose: string | null;
  action: string;
  decision: AuditDecision;
  reason?: string;
  subjectIds?: string[];
}

/**
 * Appends who read what about whom, for which purpose, and what was decided. One row per
 * subject disclosed (a list read writes one per person in it); a refusal writes one row
 * with no subject.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** `manager`: write inside the caller's transaction, so the audit row commits with what it records. */
  async record(entry: AuditEntry, manager: Pick<EntityManager, 'query'> = this.dataSource): Promise<void> {
    const subjects = entry.subjectIds?.length ? entry.subjectIds : [null];
    await manager.query(
      `INSERT INTO hub.audit_log (actor, actor_name, agency, roles, purpose, action, decision, reason, subject_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, unnest($9::uuid[])`,
      [entry.user.sub, entry.user.name, entry.user.agency, entry.user.roles, entry.purpose, entry.action, entry.decision, entry.reason ?? null, subjects],
    );
  }
}
