import { EntityManager } from 'typeorm';
import { CloudEvent } from '../../../contracts/src';

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

/**
 * The hot path of an agency edge in one statement, so one round trip: `recordInsertSql`
 * (an INSERT ... ON CONFLICT DO NOTHING, without RETURNING) runs as a CTE and the events are
 * written only if it inserted its row. Atomic like any single statement. Returns whether
 * the record was new.
 */
export async function insertRecordWithEvents(
  queryable: Pick<EntityManager, 'query'>,
  schema: string,
  record: { sql: string; params: unknown[] },
  items: { topic: string; event: CloudEvent }[],
): Promise<boolean> {
  const n = record.params.length;
  const rows: unknown[] = await queryable.query(
    `WITH record AS (${record.sql} RETURNING 1)
     INSERT INTO "${schema}".outbox (event_id, topic, message_key, event)
     SELECT e.* FROM unnest($${n + 1}::uuid[], $${n + 2}::text[], $${n + 3}::text[], $${n + 4}::text[]) AS e, record
     RETURNING seq`,
    [
      ...record.params,
      items.map((i) => i.event.id),
      items.map((i) => i.topic),
      items.map((i) => i.event.partitionkey),
      items.map((i) => JSON.stringify(i.event)),
    ],
  );
  return rows.length > 0;
}
