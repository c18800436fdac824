import { MigrationInterface, QueryRunner } from 'typeorm';

/** Operation Encompass: school notifications (stub, to be filled). */
export class ConsolidationEncompass1764400000000 implements MigrationInterface {
  name = 'ConsolidationEncompass1764400000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
