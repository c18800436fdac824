import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { PersonDto } from '../../../../libs/contracts/src';
import { blockingKeys, Candidate, normalisePerson, NormalisedPerson, resolve } from '../../../../libs/identity/src';
import { personKey, personRecord, splitKey } from './person-record';

const SCHEMA = 'consolidation';

export interface AgencyPerson {
  agency: string;
  person: PersonDto;
}

interface Known {
  subjectId: string;
  norm: NormalisedPerson;
  keys: string[];
}

/**
 * Links every agency person to a hub subject (libs/identity decides): a person seen before
 * keeps their subject; a new one joins the subject of an automatic match (shared NHS
 * number, PNC, crosswalk, or exact name + date of birth + postcode) or starts a new
 * subject, and near matches go to the review queue, never merged without a person's
 * decision. Every automatic decision is written to link_decisions.
 */
@Injectable()
export class IdentityService {
  /** Returns `agency:personRef` → subject id for every person given. */
  async link(manager: EntityManager, people: AgencyPerson[], eventId?: string): Promise<Map<string, string>> {
    const latest = new Map<string, { agency: string; person: PersonDto; norm: NormalisedPerson; keys: string[] }>();
    for (const { agency, person } of people) {
      const norm = normalisePerson(personRecord(agency, person));
      latest.set(norm.key, { agency, person, norm, keys: blockingKeys(norm) });
    }
    const subjectOf = new Map<string, string>();
    if (latest.size === 0) return subjectOf;
    const all = [...latest.values()];

    // Two instances deciding about the same person at once would both start a subject:
    // serialise decisions that could concern the same person (same birth year or identifier).
    const lockKeys = [...new Set(all.flatMap(({ norm }) => lockKeysOf(norm)))];
    await manager.query(`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s`, [lockKeys]);

    // Persons seen before keep their subject; their latest details are kept for matching.
    // TypeORM answers an UPDATE ... RETURNING with [rows, count].
    const [seen]: [{ agency: string; person_ref: string; subject_id: string }[], number] = await manager.query(
      `UPDATE ${SCHEMA}.persons p SET person = t.person, norm = t.norm, blocking_keys = t.keys::text[], updated_at = clock_timestamp()
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::text[]) AS t(agency, ref, person, norm, keys)
        WHERE p.agency = t.agency AND p.person_ref = t.ref
        RETURNING p.agency, p.person_ref, p.subject_id`,
      [
        all.map((p) => p.agency),
        all.map((p) => p.person.personRef),
        all.map((p) => JSON.stringify(p.person)),
        all.map((p) => JSON.stringify(p.norm)),
        all.map((p) => `{${p.keys.map(pgArrayItem).join(',')}}`),
      ],
    );
    for (const row of seen) subjectOf.set(personKey(row.agency, row.person_ref), row.subject_id);
    const fresh = all.filter((p) => !subjectOf.has(p.norm.key));
    if (fresh.length === 0) return subjectOf;

    // Candidates: persons already linked who share a blocking key with a newcomer.
    const rows: { subject_id: string; norm: NormalisedPerson; blocking_keys: string[] }[] = await manager.query(
      `SELECT subject_id, norm, blocking_keys FROM ${SCHEMA}.persons WHERE blocking_keys && $1::text[]`,
      [[...new Set(fresh.flatMap((p) => p.keys))]],
    );
    const index = new Map<string, Known[]>();
    const remember = (known: Known) => {
      for (const key of known.keys) {
        const list = index.get(key);
        if (list) list.push(known);
        else index.set(key, [known]);
      }
    };
    for (const r of rows) remember({ subjectId: r.subject_id, norm: r.norm, keys: r.blocking_keys });

    const newSubjects: string[] = [];
    const decisions: { agency: string; ref: string; subjectId: string; decision: string; rule: string; score: number }[] = [];
    const reviews: { agency: string; ref: string; candidate: string; score: number; reasons: string[] }[] = [];
    for (const p of fresh) {
      const candidates = new Map<string, Candidate>();
      for (const key of p.keys) for (const k of index.get(key) ?? []) candidates.set(k.norm.key, { subjectId: k.subjectId, person: k.norm });
      const resolution = resolve(p.norm, [...candidates.values()]);
      let subjectId = resolution.link?.subjectId;
      if (subjectId) {
        decisions.push({ agency: p.agency, ref: p.person.personRef, subjectId, decision: 'auto-link', rule: resolution.link!.rule, score: resolution.link!.score });
      } else {
        subjectId = randomUUID();
        newSubjects.push(subjectId);
        decisions.push({ agency: p.agency, ref: p.person.personRef, subjectId, decision: 'new-subject', rule: 'new-subject', score: 0 });
      }
      for (const review of resolution.reviews) {
        reviews.push({ agency: p.agency, ref: p.person.personRef, candidate: review.matchedKey, score: review.score, reasons: review.reasons });
      }
      subjectOf.set(p.norm.key, subjectId);
      remember({ subjectId, norm: p.norm, keys: p.keys });
    }

    await manager.query(`INSERT INTO ${SCHEMA}.subjects (id) SELECT unnest($1::uuid[])`, [newSubjects]);
    await manager.query(
      `INSERT INTO ${SCHEMA}.persons (agency, person_ref, subject_id, person, norm, blocking_keys, link_rule, link_score)
       SELECT t.agency, t.ref, t.subject_id, t.person, t.norm, t.keys::text[], t.rule, t.score
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::jsonb[], $5::jsonb[], $6::text[], $7::text[], $8::real[])
           AS t(agency, ref, subject_id, person, norm, keys, rule, score)`,
      [
        fresh.map((p) => p.agency),
        fresh.map((p) => p.person.personRef),
        decisions.map((d) => d.subjectId),
        fresh.map((p) => JSON.stringify(p.person)),
        fresh.map((p) => JSON.stringify(p.norm)),
        fresh.map((p) => `{${p.keys.map(pgArrayItem).join(',')}}`),
        decisions.map((d) => d.rule),
        decisions.map((d) => d.score),
      ],
    );
    await manager.query(
      `INSERT INTO ${SCHEMA}.link_decisions (decision, agency, person_ref, subject_id, rule, score, decided_by, event_id)
       SELECT t.decision, t.agency, t.ref, t.subject_id, t.rule, t.score, 'consolidation', $7
         FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::real[]) AS t(decision, agency, ref, subject_id, rule, score)`,
      [
        decisions.map((d) => d.decision),
        decisions.map((d) => d.agency),
        decisions.map((d) => d.ref),
        decisions.map((d) => d.subjectId),
        decisions.map((d) => d.rule),
        decisions.map((d) => d.score),
        eventId ?? null,
      ],
    );
    if (reviews.length > 0) {
      await manager.query(
        `INSERT INTO ${SCHEMA}.identity_reviews (agency, person_ref, candidate_agency, candidate_ref, score, reasons)
         SELECT t.agency, t.ref, t.c_agency, t.c_ref, t.score, string_to_array(t.reasons, '|')
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::real[], $6::text[]) AS t(agency, ref, c_agency, c_ref, score, reasons)
         ON CONFLICT DO NOTHING`,
        [
          reviews.map((r) => r.agency),
          reviews.map((r) => r.ref),
          reviews.map((r) => splitKey(r.candidate).agency),
          reviews.map((r) => splitKey(r.candidate).personRef),
          reviews.map((r) => r.score),
          reviews.map((r) => r.reasons.join('|')),
        ],
      );
    }
    return subjectOf;
  }
}

function lockKeysOf(n: NormalisedPerson): string[] {
  return [`year:${n.birthYear ?? '-'}`, ...(n.nhsNumber ? [`nhs:${n.nhsNumber}`] : []), ...(n.pnc ? [`pnc:${n.pnc}`] : [])];
}

/** One element of a PostgreSQL array literal, quoted so any text survives. */
function pgArrayItem(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
