import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ConsolidatedRecord } from '../records/records.service';

/** Children in custody: notifications to the home YJS, their updates, referrals to START. */
@Injectable()
export class CustodyService {
  async apply(_records: ConsolidatedRecord[], _manager: EntityManager): Promise<void> {}
}
