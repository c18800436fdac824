import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '../../../../libs/messaging/src/outbox/messaging-tables';

export class PoliceInit1763800000000 implements MigrationInterface {
  name = 'PoliceInit1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE police.domestic_incidents (
      incident_ref text PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      occurred_at timestamptz NOT NULL,
      victim_ref text NOT NULL,
      ticks int NOT NULL,
      risk_level text NOT NULL,
      record jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX domestic_incidents_victim ON police.domestic_incidents (victim_ref, occurred_at)`);
    for (const sql of messagingTablesUp('police')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesDown('police')) await q.query(sql);
    await q.query(`DROP TABLE police.domestic_incidents`);
  }
}
