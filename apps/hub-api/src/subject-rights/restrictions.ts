import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Purposes a restriction does not stop: overseeing disclosures and answering the person's own requests. */
export const UNRESTRICTED_PURPOSES = new Set(['audit.oversight', 'subject-rights.requests']);

/** Subjects whose processing is restricted (UK GDPR Art 18): the hub keeps their data but shows it to no one else. */
@Injectable()
export class Restrictions {
  constructor(private readonly dataSource: DataSource) {}

  async restricted(subjectIds: string[]): Promise<Set<string>> {
    if (subjectIds.length === 0) return new Set();
    const rows: { subject_id: string }[] = await this.dataSource.query(
      `SELECT subject_id FROM hub.restrictions WHERE lifted_at IS NULL AND subject_id = ANY($1::uuid[])`,
      [subjectIds],
    );
    return new Set(rows.map((r) => r.subject_id));
  }
}
