import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { FieldFault, newEvent, RecordKind, recordRef, validatePayload } from '../../contracts/src';
import { insertRecordWithEvents, OutboxRelay } from '../../messaging/src';

/** What became of one record offered to an edge (one POST, or one row of an import). */
export type RecordOutcome =
  | { status: 'created' | 'duplicate'; ref: string; eventId: string }
  | { status: 'rejected'; faults: FieldFault[] }
  | { status: 'conflict'; ref: string; faults: FieldFault[] }
  | { status: 'missing-parent'; faults: FieldFault[] };

/** Where a kind's records live; the default is the edge's `records` table. */
export interface RecordStore {
  /** an INSERT ... ON CONFLICT DO NOTHING without RETURNING */
  insert(kind: RecordKind, ref: string, eventId: string, record: object, data: object): { sql: string; params: unknown[] };
  find(kind: RecordKind, ref: string): Promise<{ eventId: string; record: unknown } | undefined>;
}

export function recordsTableStore(dataSource: DataSource, schema: string): RecordStore {
  return {
    insert: (kind, ref, eventId, record, data) => ({
      sql: `INSERT INTO "${schema}".records (kind, ref, event_id, occurred_at, record) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, ref) DO NOTHING`,
      params: [kind.kind, ref, eventId, kind.occurredAt(data), JSON.stringify(record)],
    }),
    find: async (kind, ref) => {
      const [row] = await dataSource.query(`SELECT event_id, record FROM "${schema}".records WHERE kind = $1 AND ref = $2`, [kind.kind, ref]);
      return row ? { eventId: row.event_id, record: row.record } : undefined;
    },
  };
}

/**
 * An agency edge's intake, the same for every kind of record and for single posts and bulk
 * imports: validate (every bad field named), check facts against each other, derive the
 * hub's fields, then store the record and its event in one statement (transactional outbox).
 * The same record offered again is a duplicate (its first event id); a different record
 * under a used ref is a conflict, never an overwrite.
 */
export class EdgeRecords {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly schema: string,
    private readonly kinds: RecordKind[],
    private readonly stores: Record<string, RecordStore> = {},
  ) {}

  private readonly defaultStore = recordsTableStore(this.dataSource, this.schema);

  kind(name: string): RecordKind {
    const kind = this.kinds.find((k) => k.kind === name);
    if (!kind) throw new Error(`this edge has no record kind ${name}`);
    return kind;
  }

  private store(kind: RecordKind): RecordStore {
    return this.stores[kind.kind] ?? this.defaultStore;
  }

  async take(kind: RecordKind, body: unknown): Promise<RecordOutcome> {
    const validated = validatePayload(kind.dto, body);
    if (!validated.ok) return { status: 'rejected', faults: validated.faults };
    const record = validated.value;
    const faults = kind.check?.(record) ?? [];
    if (faults.length > 0) return { status: 'rejected', faults };
    const ref = recordRef(kind, record);

    let parent: unknown;
    if (kind.parent) {
      const parentKind = this.kind(kind.parent.kind);
      const parentRef = String(record[kind.parent.refField]);
      parent = (await this.store(parentKind).find(parentKind, parentRef))?.record;
      if (parent === undefined) {
        return { status: 'missing-parent', faults: [{ path: kind.parent.refField, reason: `no ${parentKind.title.replace(/s$/, '')} ${parentRef} is recorded` }] };
      }
    }
    const data = kind.derive ? kind.derive(record, parent) : record;
    const event = newEvent({ type: kind.eventType, source: `/safer-hub/${kind.agency}`, subject: ref, partitionKey: kind.partitionKey(data), data });
    const created = await insertRecordWithEvents(this.dataSource, this.schema, this.store(kind).insert(kind, ref, event.id, record, data), [
      { topic: kind.topic, event },
    ]);
    if (created) {
      this.relay.nudge();
      return { status: 'created', ref, eventId: event.id };
    }
    const existing = await this.store(kind).find(kind, ref);
    if (existing && isDeepStrictEqual(JSON.parse(JSON.stringify(existing.record)), JSON.parse(JSON.stringify(record)))) {
      return { status: 'duplicate', ref, eventId: existing.eventId };
    }
    return { status: 'conflict', ref, faults: [{ path: kind.refField, reason: 'already used for a different record' }] };
  }
}
