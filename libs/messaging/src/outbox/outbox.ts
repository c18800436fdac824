import { EntityManager } from 'typeorm';
import { CloudEvent } from '../../../contracts/src';
import { Headers } from '../headers';

/**
 * Writes events into the service's outbox inside the caller's transaction: the record
 * and its event commit together or not at all. The relay publishes them afterwards.
 */
export async function enqueueEvents(manager: EntityManager, schema: string, items: { topic: string; event: CloudEvent }[]): Promise<void> {
  if (items.length === 0) return;
  await manager.query(
    `INSERT INTO "${schema}".outbox (event_id, topic, message_key, event)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [
      items.map((i) => i.event.id),
      items.map((i) => i.topic),
      items.map((i) => i.event.partitionkey),
      items.map((i) => JSON.stringify(i.event)),
    ],
  );
}

export function eventHeaders(event: Pick<CloudEvent, 'type' | 'id'>): Record<string, string> {
  return { [Headers.ceType]: event.type, [Headers.ceId]: event.id };
}
