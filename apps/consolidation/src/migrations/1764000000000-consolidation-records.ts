import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chronology keeps each record whole (its people included): hub-api releases from it
 * exactly the fields the information-sharing agreement gives each reader, so consolidation
 * must not decide in advance what is shared.
 */
export class ConsolidationRecords1764000000000 implements MigrationInterface {
  name = 'ConsolidationRecords1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consolidation.chronology RENAME COLUMN facts TO record`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consolidation.chronology RENAME COLUMN record TO facts`);
  }
}
