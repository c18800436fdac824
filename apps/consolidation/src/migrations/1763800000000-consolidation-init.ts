import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '../../../../libs/messaging/src/outbox/messaging-tables';

export class ConsolidationInit1763800000000 implements MigrationInterface {
  name = 'ConsolidationInit1763800000000';

  async up(q: QueryRunner): Promise<void> {
    // A hub subject per agency person for now; identity resolution will link them.
    await q.query(`CREATE TABLE consolidation.subjects (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency text NOT NULL,
      person_ref text NOT NULL,
      person jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agency, person_ref)
    )`);
    await q.query(`CREATE TABLE consolidation.da_incidents (
      incident_ref text PRIMARY KEY,
      event_id uuid NOT NULL,
      victim_subject_id uuid NOT NULL REFERENCES consolidation.subjects (id),
      occurred_at timestamptz NOT NULL,
      ticks int NOT NULL,
      risk_level text NOT NULL,
      raised_by_judgement boolean NOT NULL,
      perpetrator_ref text,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX da_incidents_victim ON consolidation.da_incidents (victim_subject_id, occurred_at)`);
    await q.query(`CREATE TABLE consolidation.marac_referrals (
      id uuid PRIMARY KEY,
      subject_id uuid NOT NULL REFERENCES consolidation.subjects (id),
      criterion text NOT NULL CHECK (criterion IN ('visible-high-risk', 'professional-judgement', 'escalation', 'repeat')),
      repeat boolean NOT NULL,
      incident_refs text[] NOT NULL,
      trigger_incident_ref text NOT NULL UNIQUE,
      triggered_at timestamptz NOT NULL,
      source_agency text NOT NULL,
      status text NOT NULL DEFAULT 'new',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX marac_referrals_subject ON consolidation.marac_referrals (subject_id, triggered_at)`);
    for (const sql of messagingTablesUp('consolidation')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesDown('consolidation')) await q.query(sql);
    await q.query(`DROP TABLE consolidation.marac_referrals`);
    await q.query(`DROP TABLE consolidation.da_incidents`);
    await q.query(`DROP TABLE consolidation.subjects`);
  }
}
