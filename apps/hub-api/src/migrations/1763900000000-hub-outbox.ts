import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '../../../../libs/messaging/src/outbox/messaging-tables';

/** hub-api publishes people's decisions (identity links) through its own outbox. */
export class HubOutbox1763900000000 implements MigrationInterface {
  name = 'HubOutbox1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUp('hub')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesDown('hub')) await q.query(sql);
  }
}
