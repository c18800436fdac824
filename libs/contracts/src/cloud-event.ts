import { createHash, randomUUID } from 'node:crypto';

/**
 * CloudEvents 1.0 envelope (structured mode, JSON). `id` is the dedupe key everywhere.
 * Extension attributes are lower-case alphanumerics, as the spec requires.
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  /** extension: the Kafka key, so one subject's events keep their order */
  partitionkey: string;
  /** extension: the first event of a chain */
  correlationid: string;
  /** extension: the event that caused this one (absent for events caused by a person) */
  causationid?: string;
  data: T;
}

export interface NewEvent<T> {
  type: string;
  source: string;
  subject?: string;
  partitionKey: string;
  data: T;
  /** the event this one derives from: correlation and causation ids follow it */
  causedBy?: Pick<CloudEvent, 'id' | 'correlationid'>;
  time?: Date;
  id?: string;
}

export const SCHEMA_BASE = 'https://safer-hub.example/schemas';

export function newEvent<T>(e: NewEvent<T>): CloudEvent<T> {
  const id = e.id ?? randomUUID();
  return {
    specversion: '1.0',
    id,
    source: e.source,
    type: e.type,
    time: (e.time ?? new Date()).toISOString(),
    subject: e.subject,
    datacontenttype: 'application/json',
    dataschema: `${SCHEMA_BASE}/${e.type}.json`,
    partitionkey: e.partitionKey,
    correlationid: e.causedBy?.correlationid ?? id,
    causationid: e.causedBy?.id,
    data: e.data,
  };
}

/** A name-based UUID (v5, SHA-1): the same name gives the same id on every replay of the log. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A UUID as event ids and hub ids are written. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the envelope only; the payload is checked against its registered class. */
export function envelopeFaults(value: unknown): { path: string; reason: string }[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '', reason: 'the event is not a JSON object' }];
  }
  const e = value as Record<string, unknown>;
  const faults: { path: string; reason: string }[] = [];
  if (e.specversion !== '1.0') faults.push({ path: 'specversion', reason: 'must be "1.0"' });
  if (typeof e.id !== 'string' || !UUID_PATTERN.test(e.id)) faults.push({ path: 'id', reason: 'must be a UUID' });
  for (const key of ['source', 'type', 'partitionkey', 'correlationid'] as const) {
    if (typeof e[key] !== 'string' || (e[key] as string).length === 0) faults.push({ path: key, reason: 'must be a non-empty string' });
  }
  if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) faults.push({ path: 'time', reason: 'must be an RFC 3339 time' });
  if (typeof e.data !== 'object' || e.data === null) faults.push({ path: 'data', reason: 'must be an object' });
  return faults;
}
