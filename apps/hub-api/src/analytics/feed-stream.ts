import { Request, Response } from 'express';
import { DataSource } from 'typeorm';

/** Placeholder: streams a subscription's feed items as server-sent events. */
export async function streamFeed(_dataSource: DataSource, _subscriptionId: string, _lastId: string | undefined, _req: Request, _res: Response): Promise<void> {
  throw new Error('not built yet');
}
