import { HttpException, HttpStatus } from '@nestjs/common';
import { Request } from 'express';
import { createReadStream, createWriteStream } from 'node:fs';
import { Agency, FieldFault, RecordKind } from '../../../../libs/contracts/src';
import { parseCsv } from '../../../../libs/edge/src/import/csv';
import { ImportFormat, lines } from '../../../../libs/edge/src/import/importer';
import { CsvRowMapper, HeaderError } from '../../../../libs/edge/src/import/rows';
import { ErrorBody } from '../../../../libs/platform/src';

/**
 * The plumbing of the web app's gateway to the agency edges (agency-gateway.controller.ts):
 * calls to an edge with a time limit, the edge's OpenAPI request schemas with their $refs
 * inlined, the kind's path filled from the record, and an uploaded file taken to disk.
 * Plain functions, so the controller needs no provider of its own.
 */

/** a single record: the edge validates and stores one row, well within this */
export const RECORD_TIMEOUT_MS = Number(process.env.AGENCY_GATEWAY_RECORD_TIMEOUT_MS ?? 30_000);
/** the edge's OpenAPI document, health probe */
export const LOOKUP_TIMEOUT_MS = Number(process.env.AGENCY_GATEWAY_LOOKUP_TIMEOUT_MS ?? 10_000);
/** the largest file the web app may upload for a bulk import */
export const importMaxBytes = () => Number(process.env.AGENCY_IMPORT_MAX_BYTES ?? 50 * 1024 * 1024);
const SCHEMA_CACHE_MS = 60_000;

const errorBody = (error: string, fields: FieldFault[] = []): ErrorBody => ({ error, fields });

/** A 502 (the edge cannot be reached, or answered nonsense) or a 504 (it did not answer in time), in the public shape. */
export class EdgeUnavailable extends HttpException {
  constructor(agency: string, reason: string, status: HttpStatus.BAD_GATEWAY | HttpStatus.GATEWAY_TIMEOUT = HttpStatus.BAD_GATEWAY) {
    super(errorBody(`the ${agency} edge ${reason}`), status);
  }
}

/** Why a call to an edge failed, as a reason a user can act on (no URL, no record content). */
function unavailable(agency: string, error: unknown, timeoutMs: number, whenTimedOut = ''): EdgeUnavailable {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new EdgeUnavailable(agency, `did not answer within ${Math.round(timeoutMs / 1000)} s${whenTimedOut}`, HttpStatus.GATEWAY_TIMEOUT);
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return new EdgeUnavailable(agency, `could not be reached${cause?.code ? ` (${cause.code})` : ''}: try again shortly, or ask the hub's administrators whether it is running`);
}

/** fetch() to an edge with a time limit; a network failure or time-out becomes a 502 / 504. */
export async function edgeFetch(agency: string, url: string, init: RequestInit, timeoutMs: number, whenTimedOut = ''): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw unavailable(agency, error, timeoutMs, whenTimedOut);
  }
}

/** Whether the edge answers at all (any HTTP status will do): before a long upload is taken in. */
export async function probeEdge(agency: string, base: string): Promise<void> {
  const res = await edgeFetch(agency, `${base}/health`, { method: 'GET' }, LOOKUP_TIMEOUT_MS);
  await res.arrayBuffer().catch(() => undefined);
}

// ------------------------------------------------------------------------------------------
// the request schemas of the edge's record kinds

export type JsonSchema = Record<string, any>;
interface OpenApiDocument {
  paths?: Record<string, Record<string, { summary?: string; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const documents = new Map<string, { at: number; doc: OpenApiDocument }>();

/** The edge's OpenAPI document (GET /api/docs-json), kept a minute: it changes only with a new release of the edge. */
export async function edgeDocument(agency: string, base: string): Promise<OpenApiDocument> {
  const cached = documents.get(base);
  if (cached && Date.now() - cached.at < SCHEMA_CACHE_MS) return cached.doc;
  const res = await edgeFetch(agency, `${base}/api/docs-json`, { headers: { accept: 'application/json' } }, LOOKUP_TIMEOUT_MS);
  let doc: OpenApiDocument;
  try {
    if (!res.ok) throw new Error(String(res.status));
    doc = (await res.json()) as OpenApiDocument;
  } catch {
    throw new EdgeUnavailable(agency, `did not give its API description (GET /api/docs-json answered ${res.status})`);
  }
  documents.set(base, { at: Date.now(), doc });
  return doc;
}

/** `custody-entries/:custodyRef/release` → `/custody-entries/{custodyRef}/release`, as OpenAPI names the path. */
export const openApiPath = (kind: RecordKind) => `/${kind.path.replace(/:(\w+)/g, '{$1}')}`;

/** The `:param` segments of a kind's path: they are fields of the record too. */
export const pathParams = (kind: RecordKind) => [...kind.path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/**
 * A schema with every `$ref` replaced by the schema it names, so a page can build a form
 * from it alone. `allOf: [one]` (how Nest writes a described reference) is merged into its
 * one member, keeping the description beside it. A schema that refers back to itself is cut
 * at the second visit (none does today).
 */
export function inlineRefs(schema: JsonSchema, components: Record<string, JsonSchema>, visiting: string[] = []): JsonSchema {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, components, visiting)) as unknown as JsonSchema;
  if (typeof schema !== 'object' || schema === null) return schema;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
    const { $ref: _ref, ...siblings } = schema;
    if (visiting.includes(name)) return { type: 'object', description: `(refers back to ${name})`, ...siblings };
    const target = components[name];
    if (!target) return { ...siblings };
    return { ...inlineRefs(target, components, [...visiting, name]), ...inlineRefs(siblings, components, visiting) };
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...siblings } = schema;
    return { ...inlineRefs(allOf[0], components, visiting), ...inlineRefs(siblings, components, visiting) };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    // `example`s are values, not schemas
    out[key] = key === 'example' || key === 'enum' || key === 'required' ? value : inlineRefs(value, components, visiting);
  }
  return out;
}

export interface KindView {
  kind: string;
  /** the edge's path, `:param`s included */
  path: string;
  /** fields of the record that also name it in the edge's path */
  pathParams: string[];
  eventType: string;
  title: string;
  description: string;
  refField: string;
  /** a record that must exist first */
  parent: { kind: string; refField: string } | null;
  /** the JSON schema of the edge's `POST /<path>` body, $refs inlined */
  schema: JsonSchema;
}

export function kindView(kind: RecordKind, doc: OpenApiDocument): KindView {
  const operation = doc.paths?.[openApiPath(kind)]?.post;
  const raw = operation?.requestBody?.content?.['application/json']?.schema;
  return {
    kind: kind.kind,
    path: kind.path,
    pathParams: pathParams(kind),
    eventType: kind.eventType,
    title: kind.title,
    description: operation?.summary ?? `record one of the ${kind.title}`,
    refField: kind.refField,
    parent: kind.parent ? { kind: kind.parent.kind, refField: kind.parent.refField } : null,
    schema: raw ? inlineRefs(raw, doc.components?.schemas ?? {}) : { type: 'object' },
  };
}

/** The edge's path for this record: its `:param`s filled from the record's own fields, or the faults of those missing. */
export function recordPath(kind: RecordKind, record: Record<string, unknown>): { path: string } | { faults: FieldFault[] } {
  const faults: FieldFault[] = [];
  const path = kind.path.replace(/:(\w+)/g, (_, param: string) => {
    const value = record[param];
    if (typeof value !== 'string' || value.trim() === '') {
      faults.push({ path: param, reason: 'required: it names the record in the edge’s path' });
      return '';
    }
    return encodeURIComponent(value);
  });
  return faults.length ? { faults } : { path };
}

// ------------------------------------------------------------------------------------------
// the uploaded file of a bulk import

const CSV_TYPES = ['text/csv', 'application/csv', 'text/comma-separated-values'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines'];
/** what a browser may call a file it cannot name: the format comes from ?format= then */
const NEUTRAL_TYPES = ['text/plain', 'application/octet-stream', ''];

/** The file's format from `?format=`, else its Content-Type; or the faults. */
export function uploadFormat(query: string | undefined, contentType: string | undefined): { format: ImportFormat } | { status: 400 | 415; body: ErrorBody } {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const known = CSV_TYPES.includes(type) || NDJSON_TYPES.includes(type) || NEUTRAL_TYPES.includes(type);
  if (!known) {
    return {
      status: 415,
      body: errorBody(`send the file itself as the body, with Content-Type text/csv or application/x-ndjson (not ${type})`, [{ path: 'Content-Type', reason: 'text/csv or application/x-ndjson' }]),
    };
  }
  if (query !== undefined) {
    if (query === 'csv' || query === 'ndjson') return { format: query };
    return { status: 400, body: errorBody('bad query', [{ path: 'format', reason: 'csv or ndjson' }]) };
  }
  if (CSV_TYPES.includes(type)) return { format: 'csv' };
  if (NDJSON_TYPES.includes(type)) return { format: 'ndjson' };
  return { status: 400, body: errorBody('say what the file is', [{ path: 'format', reason: 'csv or ndjson (or send Content-Type text/csv or application/x-ndjson)' }]) };
}

export class UploadTooLarge extends HttpException {
  constructor(limit: number) {
    super(errorBody(`the file is larger than ${Math.floor(limit / (1024 * 1024))} MB: split it, or load it with the import tool (npm run import)`), HttpStatus.PAYLOAD_TOO_LARGE);
  }
}

class UploadCutOff extends HttpException {
  constructor() {
    super(errorBody('the upload was cut off before the whole file arrived'), HttpStatus.BAD_REQUEST);
  }
}

/**
 * Writes the request body (the file, as the browser sent it) to `file`, at most `limit`
 * bytes: past that, a 413 (what is still arriving is read and dropped, so the answer can
 * reach the browser). Resolves with the size.
 */
export function receiveUpload(req: Request, file: string, limit: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const out = createWriteStream(file);
    let bytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(out);
      out.destroy();
      // keep reading (and dropping) what is still on its way, so the 413 is not a reset
      req.on('data', () => undefined);
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) fail(new UploadTooLarge(limit));
    });
    req.once('error', () => fail(new UploadCutOff()));
    req.once('close', () => {
      if (!req.complete) fail(new UploadCutOff());
    });
    out.once('error', fail);
    out.once('finish', () => {
      if (settled) return;
      settled = true;
      resolve(bytes);
    });
    req.pipe(out);
  });
}

/** The CSV's header, read before anything is sent to the edge: a header the edge cannot read is a 400, not a failed import. */
export async function csvHeaderFaults(kind: RecordKind, file: string): Promise<FieldFault[]> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const record of parseCsv(stream as AsyncIterable<Buffer>, { maxRecordChars: 1_000_000 })) {
      if (record.malformed) return [{ path: 'header', reason: `the header (line ${record.line}) is malformed: ${record.malformed}` }];
      try {
        new CsvRowMapper(kind.dto, record.cells);
        return [];
      } catch (error) {
        if (error instanceof HeaderError) return [{ path: 'header', reason: error.message }];
        throw error;
      }
    }
    return [{ path: 'file', reason: 'the file is empty: a CSV import starts with a header row naming the fields, e.g. incidentRef,occurredAt,location.postcode' }];
  } catch (error) {
    return [{ path: 'header', reason: error instanceof Error ? error.message : String(error) }];
  } finally {
    stream.destroy();
  }
}

/**
 * How many data rows the file holds, counted as the importer will read them (the CSV header
 * and blank lines are not rows; a quoted cell may span lines), so the page can show how far
 * the import has got in rows. null when the file cannot be read through: the import says why.
 */
export async function countRows(file: string, format: ImportFormat): Promise<number | null> {
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    let rows = 0;
    if (format === 'csv') {
      for await (const _record of parseCsv(stream as AsyncIterable<Buffer>, { maxRecordChars: 1_000_000 })) rows++;
      return Math.max(0, rows - 1);
    }
    for await (const { text } of lines(stream as AsyncIterable<Buffer>)) if (text.trim() !== '') rows++;
    return rows;
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
}

export const isAgency = (value: string, agencies: readonly string[]): value is Agency => agencies.includes(value);
