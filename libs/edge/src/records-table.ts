/**
 * Every agency edge keeps its records as received, one table for all its kinds, beside its
 * outbox. The record is immutable: a different record under a used ref is refused (409).
 */
export function recordsTableUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}".records (
       kind text NOT NULL,
       ref text NOT NULL,
       event_id uuid NOT NULL UNIQUE,
       occurred_at timestamptz NOT NULL,
       record jsonb NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (kind, ref)
     )`,
  ];
}

export function recordsTableDown(schema: string): string[] {
  return [`DROP TABLE "${schema}".records`];
}
