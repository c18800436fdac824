import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentOverrideData, ConsentRecordedData } from '../../../../libs/contracts/src';
import { consentStatus, ConsentStatus } from '../../../../libs/isa/src';

export type ConsentStatement = ConsentRecordedData & { recordedAt: string };
export type ConsentOverride = ConsentOverrideData & { recordedAt: string };

export interface ConsentHistory {
  statements: ConsentStatement[];
  overrides: ConsentOverride[];
}

/**
 * The subject asked about and every subject merged into it, directly or through others: a
 * statement recorded against an old id still counts for the person. UNION (not ALL) stops
 * at a cycle, should consolidation ever write one.
 */
const SUBJECT_IDS = `WITH RECURSIVE ids AS (
  SELECT $1::uuid AS id
  UNION SELECT s.id FROM consolidation.subjects s JOIN ids ON s.merged_into = ids.id)`;

/**
 * Consent statements and overrides in hub.consent_*. Each row keeps the subject id it was
 * recorded against; reads add up the rows of every subject merged into the one asked.
 */
@Injectable()
export class ConsentStore {
  constructor(private readonly dataSource: DataSource) {}

  /** What stands now for one subject (pass its current id) and purpose. */
  async status(subjectId: string, purpose: string): Promise<ConsentStatus> {
    const { statements, overrides } = await this.history(subjectId, purpose);
    return consentStatus(statements, overrides);
  }

  /** Every statement and override about the subject (pass its current id), oldest first; one purpose or all. */
  async history(subjectId: string, purpose?: string): Promise<ConsentHistory> {
    const params = [subjectId, purpose ?? null];
    const statements = await this.dataSource.query(
      `${SUBJECT_IDS}
       SELECT id, subject_id, purpose, state, stated_at, note, recorded_by, recorded_at FROM hub.consent_statements
        WHERE subject_id IN (SELECT id FROM ids) AND ($2::text IS NULL OR purpose = $2) ORDER BY stated_at, recorded_at`,
      params,
    );
    const overrides = await this.dataSource.query(
      `${SUBJECT_IDS}
       SELECT id, subject_id, purpose, reason, decision_maker, decided_at, recorded_by, recorded_at FROM hub.consent_overrides
        WHERE subject_id IN (SELECT id FROM ids) AND ($2::text IS NULL OR purpose = $2) ORDER BY decided_at, recorded_at`,
      params,
    );
    const iso = (t: string | Date) => new Date(t).toISOString();
    return {
      statements: statements.map((r: Record<string, any>) => ({
        consentId: r.id,
        subjectId: r.subject_id,
        purpose: r.purpose,
        state: r.state,
        statedAt: iso(r.stated_at),
        ...(r.note === null ? {} : { note: r.note }),
        recordedBy: r.recorded_by,
        recordedAt: iso(r.recorded_at),
      })),
      overrides: overrides.map((r: Record<string, any>) => ({
        overrideId: r.id,
        subjectId: r.subject_id,
        purpose: r.purpose,
        reason: r.reason,
        decisionMaker: r.decision_maker,
        decidedAt: iso(r.decided_at),
        recordedBy: r.recorded_by,
        recordedAt: iso(r.recorded_at),
      })),
    };
  }

  /** `manager`: the caller's transaction, so the row commits with its event and audit row. */
  async insertStatement(manager: EntityManager, s: ConsentRecordedData): Promise<void> {
    await manager.query(
      `INSERT INTO hub.consent_statements (id, subject_id, purpose, state, stated_at, note, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.consentId, s.subjectId, s.purpose, s.state, s.statedAt, s.note ?? null, s.recordedBy],
    );
  }

  async insertOverride(manager: EntityManager, o: ConsentOverrideData): Promise<void> {
    await manager.query(
      `INSERT INTO hub.consent_overrides (id, subject_id, purpose, reason, decision_maker, decided_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [o.overrideId, o.subjectId, o.purpose, o.reason, o.decisionMaker, o.decidedAt, o.recordedBy],
    );
  }

  /** An approved erasure: every statement and override about the person goes, under old (merged) ids too. */
  async erase(manager: Pick<EntityManager, 'query'>, subjectId: string): Promise<void> {
    await manager.query(`${SUBJECT_IDS} DELETE FROM hub.consent_statements WHERE subject_id IN (SELECT id FROM ids)`, [subjectId]);
    await manager.query(`${SUBJECT_IDS} DELETE FROM hub.consent_overrides WHERE subject_id IN (SELECT id FROM ids)`, [subjectId]);
  }
}
