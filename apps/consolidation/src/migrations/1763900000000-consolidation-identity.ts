import { MigrationInterface, QueryRunner } from 'typeorm';
import { PersonDto } from '../../../../libs/contracts/src';
import { blockingKeys, normalisePerson } from '../../../../libs/identity/src';
import { personRecord } from '../identity/person-record';

/**
 * Identity resolution: an agency's person (agency + personRef) is linked to a hub subject;
 * several agency persons may share one subject. Everything about a person (chronology, DA
 * incidents) is kept against the agency person, so linking and unlinking move one column
 * (`persons.subject_id`) and every view follows.
 */
export class ConsolidationIdentity1763900000000 implements MigrationInterface {
  name = 'ConsolidationIdentity1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.persons (
      agency text NOT NULL,
      person_ref text NOT NULL,
      subject_id uuid NOT NULL REFERENCES consolidation.subjects (id),
      person jsonb NOT NULL,
      norm jsonb NOT NULL,
      link_rule text NOT NULL,
      link_score real NOT NULL,
      linked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (agency, person_ref)
    )`);
    await q.query(`CREATE INDEX persons_subject ON consolidation.persons (subject_id)`);
    // Blocking keys (libs/identity): a candidate shares at least one. A b-tree on (key) answers
    // a batch's few thousand keys in milliseconds, where a GIN array overlap took ~0.4 s.
    await q.query(`CREATE TABLE consolidation.person_keys (
      key text NOT NULL,
      agency text NOT NULL,
      person_ref text NOT NULL,
      PRIMARY KEY (key, agency, person_ref),
      FOREIGN KEY (agency, person_ref) REFERENCES consolidation.persons (agency, person_ref)
    )`);
    await q.query(`CREATE INDEX person_keys_person ON consolidation.person_keys (agency, person_ref)`);

    // The first release had one subject per police person: each becomes that subject's person.
    const old: { id: string; agency: string; person_ref: string; person: unknown }[] = await q.query(
      `SELECT id, agency, person_ref, person FROM consolidation.subjects`,
    );
    for (const row of old) {
      const norm = normalisePerson(personRecord(row.agency, row.person as PersonDto));
      await q.query(
        `INSERT INTO consolidation.persons (agency, person_ref, subject_id, person, norm, link_rule, link_score)
         VALUES ($1, $2, $3, $4, $5, 'new-subject', 0)`,
        [row.agency, row.person_ref, row.id, row.person, norm],
      );
      await q.query(`INSERT INTO consolidation.person_keys (key, agency, person_ref) SELECT unnest($1::text[]), $2, $3`, [blockingKeys(norm), row.agency, row.person_ref]);
    }
    await q.query(`ALTER TABLE consolidation.subjects DROP COLUMN agency, DROP COLUMN person_ref, DROP COLUMN person`);
    // A confirmed match merges two subjects: the other one points at the survivor, so old ids still resolve.
    await q.query(`ALTER TABLE consolidation.subjects ADD COLUMN created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      ADD COLUMN merged_into uuid REFERENCES consolidation.subjects (id)`);

    // DA incidents name their victim as an agency person; the subject follows the link.
    await q.query(`ALTER TABLE consolidation.da_incidents ADD COLUMN agency text NOT NULL DEFAULT 'police',
      ADD COLUMN victim_ref text, ADD COLUMN perpetrator_agency text`);
    await q.query(`UPDATE consolidation.da_incidents d SET victim_ref = p.person_ref, perpetrator_agency = CASE WHEN d.perpetrator_ref IS NULL THEN NULL ELSE 'police' END
      FROM consolidation.persons p WHERE p.subject_id = d.victim_subject_id`);
    await q.query(`ALTER TABLE consolidation.da_incidents ALTER COLUMN victim_ref SET NOT NULL, ALTER COLUMN agency DROP DEFAULT`);
    await q.query(`ALTER TABLE consolidation.da_incidents DROP COLUMN victim_subject_id`);
    await q.query(`ALTER TABLE consolidation.da_incidents DROP CONSTRAINT da_incidents_pkey, ADD PRIMARY KEY (agency, incident_ref)`);
    await q.query(`CREATE INDEX da_incidents_victim_person ON consolidation.da_incidents (agency, victim_ref, occurred_at)`);
    await q.query(`CREATE INDEX da_incidents_perpetrator ON consolidation.da_incidents (perpetrator_agency, perpetrator_ref)`);

    // Referrals stay with a subject; merges and splits move them. Withdrawn: an unlink undid its grounds.
    await q.query(`ALTER TABLE consolidation.marac_referrals DROP CONSTRAINT marac_referrals_trigger_incident_ref_key`);
    await q.query(`ALTER TABLE consolidation.marac_referrals ADD COLUMN trigger_agency text NOT NULL DEFAULT 'police', ADD COLUMN withdrawn_reason text`);
    await q.query(`ALTER TABLE consolidation.marac_referrals ALTER COLUMN trigger_agency DROP DEFAULT`);
    await q.query(`ALTER TABLE consolidation.marac_referrals ADD CONSTRAINT marac_referrals_trigger UNIQUE (trigger_agency, trigger_incident_ref)`);

    // Every record about an agency person, from every agency: the chronology.
    await q.query(`CREATE TABLE consolidation.chronology (
      id bigserial PRIMARY KEY,
      agency text NOT NULL,
      person_ref text NOT NULL,
      role text NOT NULL,
      kind text NOT NULL,
      record_ref text NOT NULL,
      occurred_at timestamptz NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      facts jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (agency, kind, record_ref, person_ref, role)
    )`);
    await q.query(`CREATE INDEX chronology_person ON consolidation.chronology (agency, person_ref, occurred_at)`);

    // Possible matches for a person to review: never merged without a decision.
    await q.query(`CREATE TABLE consolidation.identity_reviews (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency text NOT NULL,
      person_ref text NOT NULL,
      candidate_agency text NOT NULL,
      candidate_ref text NOT NULL,
      score real NOT NULL,
      reasons text[] NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected', 'superseded')),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      decided_at timestamptz,
      decided_by text,
      UNIQUE (agency, person_ref, candidate_agency, candidate_ref)
    )`);
    await q.query(`CREATE INDEX identity_reviews_pending ON consolidation.identity_reviews (created_at) WHERE status = 'pending'`);

    // Every link decision, automatic or human, in order: who, what, why.
    await q.query(`CREATE TABLE consolidation.link_decisions (
      id bigserial PRIMARY KEY,
      decision text NOT NULL CHECK (decision IN ('auto-link', 'new-subject', 'confirm', 'reject', 'unlink')),
      agency text NOT NULL,
      person_ref text NOT NULL,
      subject_id uuid NOT NULL,
      other_subject_id uuid,
      rule text,
      score real,
      decided_by text NOT NULL,
      reason text,
      event_id uuid,
      decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX link_decisions_subject ON consolidation.link_decisions (subject_id)`);

    // ASB reports and actions by problem, for the Community Trigger (reports without a reporter count too).
    await q.query(`CREATE TABLE consolidation.asb_reports (
      agency text NOT NULL,
      ref text NOT NULL,
      reported_at timestamptz NOT NULL,
      problem_key text NOT NULL,
      reporter_agency text,
      reporter_ref text,
      hate boolean NOT NULL,
      PRIMARY KEY (agency, ref)
    )`);
    await q.query(`CREATE INDEX asb_reports_problem ON consolidation.asb_reports (problem_key, reported_at)`);
    await q.query(`CREATE TABLE consolidation.asb_actions (
      agency text NOT NULL,
      ref text NOT NULL,
      problem_key text NOT NULL,
      taken_at timestamptz NOT NULL,
      PRIMARY KEY (agency, ref)
    )`);
    await q.query(`CREATE INDEX asb_actions_problem ON consolidation.asb_actions (problem_key, taken_at)`);

    // Work for a team that a rule raised: a Community Trigger review, a joint visit, a serial
    // perpetrator plan, a YJS told of a child fire-setter. `raised_at` is the time of the
    // record that met the rule (the rules' clock), so a replay gives the same answers.
    await q.query(`CREATE TABLE consolidation.work_items (
      id uuid PRIMARY KEY,
      rule text NOT NULL CHECK (rule IN ('community-trigger', 'joint-visit', 'serial-perpetrator', 'fire-setter-yjs')),
      owner_teams text[] NOT NULL,
      subject_id uuid,
      problem_key text,
      detail text,
      refs text[] NOT NULL,
      data jsonb NOT NULL,
      status text NOT NULL DEFAULT 'open',
      raised_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX work_items_subject ON consolidation.work_items (rule, subject_id)`);
    await q.query(`CREATE INDEX work_items_problem ON consolidation.work_items (rule, problem_key)`);
  }

  async down(): Promise<void> {
    throw new Error('ConsolidationIdentity1763900000000 is not reversible: restore from backup');
  }
}
