import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { EntityManager } from 'typeorm';
import { PersonDto } from '../../../../libs/contracts/src';
import { blockingKeys, Candidate, normalisePerson, NormalisedPerson, resolve } from '../../../../libs/identity/src';
import { identityDecisions } from '../../../../libs/platform/src';
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

interface Seen {
  agency: string;
  person: PersonDto;
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
  /**
   * Returns `agency:personRef` → subject id for every person given. Runs in a transaction of
   * its own (not the batch's): the lock that keeps two batches from both starting a subject
   * for one person is then held for the few milliseconds of the decision, not for the whole
   * batch, so batches of other partitions keep flowing. A link outlives a batch that later
   * fails: the person was seen, and a redelivery finds them linked.
   */
  async link(manager: EntityManager, people: AgencyPerson[], eventId?: string): Promise<Map<string, string>> {
    const latest = new Map<string, Seen>();
    for (const { agency, person } of people) {
      const norm = normalisePerson(personRecord(agency, person));
      latest.set(norm.key, { agency, person, norm, keys: blockingKeys(norm) });
    }
    if (latest.size === 0) return new Map();
    return manager.connection.transaction((tx) => this.decide(tx, [...latest.values()], eventId));
  }

  private async decide(manager: EntityManager, all: Seen[], eventId?: string): Promise<Map<string, string>> {
    const subjectOf = new Map<string, string>();
    const lookUp = (people: Seen[]): Promise<{ agency: string; person_ref: string; subject_id: string; person: PersonDto }[]> =>
      manager.query(
        `SELECT p.agency, p.person_ref, p.subject_id, p.person FROM ${SCHEMA}.persons p
           JOIN unnest($1::text[], $2::text[]) AS t(agency, ref) ON p.agency = t.agency AND p.person_ref = t.ref`,
        [people.map((p) => p.agency), people.map((p) => p.person.personRef)],
      );
    // Persons seen before keep their subject: no lock needed to find them.
    const known = await lookUp(all);
    const knownKeys = new Set(known.map((k) => personKey(k.agency, k.person_ref)));
    const unseen = all.filter((p) => !knownKeys.has(p.norm.key));
    if (unseen.length > 0) {
      // Two batches deciding about the same new person at once would both start a subject:
      // serialise decisions that could concern the same person, then look again under the lock.
      const lockKeys = [...new Set(unseen.flatMap(({ norm }) => lockKeysOf(norm)))];
      await manager.query(`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s`, [lockKeys]);
      known.push(...(await lookUp(unseen)));
    }
    // Changed details are kept for matching.
    const changed: Seen[] = [];
    const byKey = new Map(all.map((p) => [p.norm.key, p]));
    for (const row of known) {
      const key = personKey(row.agency, row.person_ref);
      subjectOf.set(key, row.subject_id);
      const seen = byKey.get(key)!;
      if (!isDeepStrictEqual(row.person, JSON.parse(JSON.stringify(seen.person)))) changed.push(seen);
    }
    if (changed.length > 0) {
      await manager.query(
        `UPDATE ${SCHEMA}.persons p SET person = t.person, norm = t.norm, updated_at = clock_timestamp()
           FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) AS t(agency, ref, person, norm)
          WHERE p.agency = t.agency AND p.person_ref = t.ref`,
        [changed.map((p) => p.agency), changed.map((p) => p.person.personRef), changed.map((p) => JSON.stringify(p.person)), changed.map((p) => JSON.stringify(p.norm))],
      );
      await manager.query(
        `DELETE FROM ${SCHEMA}.person_keys k USING unnest($1::text[], $2::text[]) AS t(agency, ref) WHERE k.agency = t.agency AND k.person_ref = t.ref`,
        [changed.map((p) => p.agency), changed.map((p) => p.person.personRef)],
      );
      await this.writeKeys(manager, changed);
    }
    const fresh = all.filter((p) => !subjectOf.has(p.norm.key));
    if (fresh.length === 0) return subjectOf;

    // Candidates: persons already linked who share a blocking key with a newcomer.
    const rows: { subject_id: string; norm: NormalisedPerson; keys: string[] }[] = await manager.query(
      `SELECT p.subject_id, p.norm, array_agg(k.key) AS keys
         FROM ${SCHEMA}.person_keys k JOIN ${SCHEMA}.persons p ON p.agency = k.agency AND p.person_ref = k.person_ref
        WHERE k.key = ANY($1::text[])
        GROUP BY p.agency, p.person_ref`,
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
    for (const r of rows) remember({ subjectId: r.subject_id, norm: r.norm, keys: r.keys });

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
    for (const d of decisions) identityDecisions.labels(d.decision === 'auto-link' ? d.rule : d.decision).inc();
    identityDecisions.labels('review').inc(reviews.length);

    await manager.query(`INSERT INTO ${SCHEMA}.subjects (id) SELECT unnest($1::uuid[])`, [newSubjects]);
    await manager.query(
      `INSERT INTO ${SCHEMA}.persons (agency, person_ref, subject_id, person, norm, link_rule, link_score)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::jsonb[], $5::jsonb[], $6::text[], $7::real[])`,
      [
        fresh.map((p) => p.agency),
        fresh.map((p) => p.person.personRef),
        decisions.map((d) => d.subjectId),
        fresh.map((p) => JSON.stringify(p.person)),
        fresh.map((p) => JSON.stringify(p.norm)),
        decisions.map((d) => d.rule),
        decisions.map((d) => d.score),
      ],
    );
    await this.writeKeys(manager, fresh);
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

  private async writeKeys(manager: EntityManager, people: Seen[]): Promise<void> {
    const rows = people.flatMap((p) => p.keys.map((key) => ({ key, agency: p.agency, ref: p.person.personRef })));
    await manager.query(
      `INSERT INTO ${SCHEMA}.person_keys (key, agency, person_ref) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.key), rows.map((r) => r.agency), rows.map((r) => r.ref)],
    );
  }
}

/**
 * What two records that could be linked automatically share: a date of birth (or its
 * day/month twin), an identifier, or a ref (the person's own, or a crosswalk to it). Without
 * a date of birth demographics only ever offer a review, so no lock is needed for them.
 */
function lockKeysOf(n: NormalisedPerson): string[] {
  return blockingKeys(n).filter((k) => /^(dob|nhs|pnc|ref):/.test(k));
}
