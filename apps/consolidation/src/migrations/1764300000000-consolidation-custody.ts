import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Children in custody (issue 6): one notification per custody record of a child, its route
 * (home YJS, out of area, or for the navigator to place) and what became of it, as the YJS
 * inbox reports back; and the referrals to START raised by positive tests in custody.
 */
export class ConsolidationCustody1764300000000 implements MigrationInterface {
  name = 'ConsolidationCustody1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.custody_notifications (
      id uuid PRIMARY KEY,
      custody_ref text NOT NULL UNIQUE,
      custody_event_id uuid NOT NULL,
      subject_id uuid NOT NULL,
      arrived_at timestamptz NOT NULL,
      child_basis text NOT NULL,
      age_at_arrival int,
      route text NOT NULL,
      team text,
      local_authority text,
      district text,
      placement_reason text,
      appropriate_adult_required boolean NOT NULL,
      raised_at timestamptz NOT NULL,
      delivered_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by jsonb,
      escalated_at timestamptz,
      released_at timestamptz,
      outcome text,
      release_event_id uuid
    )`);
    await q.query(`CREATE INDEX custody_notifications_arrived ON consolidation.custody_notifications (arrived_at)`);
    await q.query(`CREATE INDEX custody_notifications_subject ON consolidation.custody_notifications (subject_id)`);
    await q.query(`CREATE TABLE consolidation.treatment_referral_requests (
      id uuid PRIMARY KEY,
      test_ref text NOT NULL UNIQUE,
      test_event_id uuid NOT NULL,
      subject_id uuid NOT NULL,
      custody_ref text,
      service text NOT NULL,
      tested_at timestamptz NOT NULL,
      requested_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX treatment_referral_requests_subject ON consolidation.treatment_referral_requests (subject_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consolidation.treatment_referral_requests`);
    await q.query(`DROP TABLE consolidation.custody_notifications`);
  }
}
