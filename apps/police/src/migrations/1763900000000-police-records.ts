import { MigrationInterface, QueryRunner } from 'typeorm';
import { recordsTableDown, recordsTableUp } from '../../../../libs/edge/src/records-table';

/** Custody, ASB, crimes and outcomes: the edge's generic records table. */
export class PoliceRecords1763900000000 implements MigrationInterface {
  name = 'PoliceRecords1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of recordsTableUp('police')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of recordsTableDown('police')) await q.query(sql);
  }
}
