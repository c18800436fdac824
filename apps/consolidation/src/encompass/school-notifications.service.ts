import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ConsolidatedRecord } from '../records/records.service';

/** Operation Encompass: a DA incident with children present notifies each child's school (stub, to be filled). */
@Injectable()
export class SchoolNotificationsService {
  async apply(_records: ConsolidatedRecord[], _manager: EntityManager): Promise<void> {}
}
