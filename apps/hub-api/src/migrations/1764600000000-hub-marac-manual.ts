import { MigrationInterface, QueryRunner } from 'typeorm';

/** Referrals to MARAC an agency makes on professional judgement (the hub raises the rest). */
export class HubMaracManual1764600000000 implements MigrationInterface {
  name = 'HubMaracManual1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.marac_manual_referrals (
      id uuid PRIMARY KEY,
      subject_id uuid NOT NULL,
      victim_agency text NOT NULL,
      victim_ref text NOT NULL,
      reason text NOT NULL,
      referring_agency text NOT NULL,
      referred_by text NOT NULL,
      repeat boolean NOT NULL,
      referred_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX marac_manual_referrals_subject ON hub.marac_manual_referrals (subject_id, referred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.marac_manual_referrals`);
  }
}
