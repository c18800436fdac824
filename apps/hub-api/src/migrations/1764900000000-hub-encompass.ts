import { MigrationInterface, QueryRunner } from 'typeorm';

/** Operation Encompass: acknowledgement of notifications (stub, to be filled). */
export class HubEncompass1764900000000 implements MigrationInterface {
  name = 'HubEncompass1764900000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
