import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each agency's research for a listed MARAC case, every version its representative submitted (the latest stands). */
export class HubMaracResearch1764700000000 implements MigrationInterface {
  name = 'HubMaracResearch1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.marac_research (
      id bigserial PRIMARY KEY,
      referral_id uuid NOT NULL,
      agency text NOT NULL,
      summary text NOT NULL,
      risks text,
      corrections text,
      submitted_by text NOT NULL,
      submitted_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX marac_research_case ON hub.marac_research (referral_id, agency, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub.marac_research`);
  }
}
