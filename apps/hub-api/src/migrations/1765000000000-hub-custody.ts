import { MigrationInterface, QueryRunner } from 'typeorm';

/** Children in custody: the navigator's appropriate adult status per custody record. */
export class HubCustody1765000000000 implements MigrationInterface {
  name = 'HubCustody1765000000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
