import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordKind, validatePayload } from '../../../contracts/src';
import { ImportRowResult, MAX_IMPORT_ROWS } from '../imports.controller';
import { parseCsv } from './csv';
import { CsvRowMapper, HeaderError, ndjsonRecord, RowFault, RowResult } from './rows';

export type ImportFormat = 'csv' | 'ndjson';

export interface ImportCounts {
  /** data rows read from the file (the CSV header and blank lines are not rows) */
  rows: number;
  created: number;
  duplicate: number;
  rejected: number;
  conflict: number;
  missingParent: number;
}

/** One fault of one row: `row` is the data row (1 = the first after the header), `line` where it starts. */
export interface RejectedRow {
  row: number;
  line: number;
  field: string;
  reason: string;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  counts: ImportCounts;
  elapsedMs: number;
}

export interface ImportResult {
  counts: ImportCounts;
  rejects: RejectedRow[];
  bytes: number;
  elapsedMs: number;
}

export interface ImportOptions {
  /** the agency edge, e.g. http://127.0.0.1:3001 */
  edgeUrl: string;
  kind: RecordKind;
  file: string;
  /** from the file's extension when not given: .csv, or .ndjson / .jsonl */
  format?: ImportFormat;
  /** rows per request; the edge takes at most 1000 */
  chunkRows?: number;
  /** bytes per request; the edge's body limit is 1 MB */
  maxChunkBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** attempts per chunk on a network error or a 5xx before the import fails */
  attempts?: number;
  /** the first retry's wait; each retry waits twice as long */
  retryDelayMs?: number;
  requestTimeoutMs?: number;
}

/** The import stopped; `result` holds what happened before (those rows are in). */
export class ImportFailed extends Error {
  constructor(
    message: string,
    readonly result: ImportResult,
  ) {
    super(message);
    this.name = 'ImportFailed';
  }
}

const DEFAULT_CHUNK_ROWS = 500;
const DEFAULT_MAX_CHUNK_BYTES = 800_000;
/** `{"rows":[` ... `]}` around the rows */
const ENVELOPE_BYTES = 12;
const MAX_LINE_CHARS = 1_000_000;

export function formatOf(file: string): ImportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new Error(`cannot tell the format of ${file} from its extension (.csv, .ndjson or .jsonl): give the format`);
}

interface SourceRow {
  row: number;
  line: number;
  result: RowResult;
}

async function* csvRows(kind: RecordKind, input: AsyncIterable<Buffer>): AsyncGenerator<SourceRow> {
  let mapper: CsvRowMapper | undefined;
  for await (const record of parseCsv(input, { maxRecordChars: MAX_LINE_CHARS })) {
    if (!mapper) {
      if (record.malformed) throw new HeaderError(`the header (line ${record.line}) is malformed: ${record.malformed}`);
      mapper = new CsvRowMapper(kind.dto, record.cells);
      continue;
    }
    const row = record.recordNumber - 1;
    if (record.malformed) {
      yield { row, line: record.line, result: { ok: false, record: {}, faults: [{ field: '', reason: `malformed CSV: ${record.malformed}` }] } };
    } else {
      yield { row, line: record.line, result: mapper.map(record.cells) };
    }
  }
  if (!mapper) throw new HeaderError('the file is empty: a CSV import starts with a header row naming the fields');
}

/** Lines of a stream (LF or CRLF), one at a time, a leading BOM dropped. */
export async function* lines(input: AsyncIterable<Buffer | string>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  let first = true;
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && pending.length > 0) {
      if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
      first = false;
    }
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const text = pending.slice(start, end);
      yield { line: ++line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineChars) throw new Error(`line ${line + 1} is longer than ${maxLineChars} characters`);
  }
  pending += decoder.end();
  if (pending.length > 0) yield { line: ++line, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
}

async function* ndjsonRows(input: AsyncIterable<Buffer>): AsyncGenerator<SourceRow> {
  let row = 0;
  for await (const { line, text } of lines(input)) {
    if (text.trim() === '') continue;
    yield { row: ++row, line, result: ndjsonRecord(text) };
  }
}

/**
 * A row the file already spoiled is not sent, but the report should name all its faults at
 * once: validate the rest of it here, leaving out what the spoiled fields would say again.
 */
function allFaults(kind: RecordKind, result: Extract<RowResult, { ok: false }>): RowFault[] {
  const spoiled = result.faults.map((f) => f.field);
  if (spoiled.includes('')) return result.faults;
  const validated = validatePayload(kind.dto, result.record);
  if (validated.ok) return result.faults;
  const related = (path: string) => spoiled.some((field) => path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`));
  return [...result.faults, ...validated.faults.filter((f) => !related(f.path)).map((f) => ({ field: f.path, reason: f.reason }))];
}

class RetryableError extends Error {}

async function postChunk(url: string, body: string, options: Required<Pick<ImportOptions, 'attempts' | 'retryDelayMs' | 'requestTimeoutMs'>>): Promise<ImportRowResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(options.requestTimeoutMs) });
      } catch (error) {
        throw new RetryableError(networkReason(error));
      }
      const text = await response.text();
      if (response.status >= 500 || response.status === 429) throw new RetryableError(`the edge answered ${response.status}`);
      if (!response.ok) throw new Error(`the edge answered ${response.status}: ${errorOf(text)}`);
      const parsed = JSON.parse(text) as { results?: unknown };
      if (!Array.isArray(parsed.results)) throw new Error('the edge answered without results');
      return parsed.results as ImportRowResult[];
    } catch (error) {
      if (!(error instanceof RetryableError) || attempt >= options.attempts) throw error;
      await sleep(options.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'the edge did not answer in time';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return `the edge could not be reached${detail ? ` (${detail})` : ''}`;
}

/** The edge's error message and the fields it names (paths only, never values). */
function errorOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: string; message?: string; fields?: { path: string; reason: string }[] };
    const fields = body.fields?.map((f) => `${f.path}: ${f.reason}`).join('; ');
    return [body.error ?? body.message ?? 'no reason given', fields].filter(Boolean).join(' — ');
  } catch {
    return 'no reason given';
  }
}

/**
 * Streams a CSV or NDJSON file of one record kind to an agency edge's `POST /imports/:kind`,
 * a chunk at a time: each chunk is answered before the file is read on, so a slow edge slows
 * the read instead of filling memory. Good rows go in, bad rows come back in `rejects` (one
 * entry per fault), and rows already recorded come back as duplicates, so a re-run of the
 * same file (after fixing the rejects, or after a failure part way) adds nothing twice.
 */
export async function importFile(options: ImportOptions): Promise<ImportResult> {
  const format = options.format ?? formatOf(options.file);
  const chunkRows = Math.min(Math.max(1, options.chunkRows ?? DEFAULT_CHUNK_ROWS), MAX_IMPORT_ROWS);
  const maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  const retry = { attempts: options.attempts ?? 5, retryDelayMs: options.retryDelayMs ?? 500, requestTimeoutMs: options.requestTimeoutMs ?? 120_000 };
  const url = `${options.edgeUrl.replace(/\/+$/, '')}/imports/${encodeURIComponent(options.kind.kind)}`;

  const totalBytes = (await stat(options.file)).size;
  const started = Date.now();
  const counts: ImportCounts = { rows: 0, created: 0, duplicate: 0, rejected: 0, conflict: 0, missingParent: 0 };
  const rejects: RejectedRow[] = [];
  let bytesRead = 0;
  const result = (): ImportResult => ({ counts: { ...counts }, rejects, bytes: bytesRead, elapsedMs: Date.now() - started });
  const progress = () => options.onProgress?.({ bytesRead, totalBytes, counts: { ...counts }, elapsedMs: Date.now() - started });

  const stream = createReadStream(options.file, { highWaterMark: 64 * 1024 });
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const reject = (row: number, line: number, faults: { field: string; reason: string }[]) => {
    for (const fault of faults) rejects.push({ row, line, field: fault.field, reason: fault.reason });
  };

  let entries: string[] = [];
  let sent: { row: number; line: number }[] = [];
  let chunkBytes = ENVELOPE_BYTES;
  const flush = async () => {
    if (entries.length === 0) return;
    const first = sent[0];
    let results: ImportRowResult[];
    try {
      results = await postChunk(url, `{"rows":[${entries.join(',')}]}`, retry);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ImportFailed(
        `the chunk starting at row ${first.row} (line ${first.line}) did not go in: ${reason}. ` +
          `Rows before it are in; run the same file again to finish (rows already taken come back as duplicates).`,
        result(),
      );
    }
    const lineOf = new Map(sent.map((s) => [s.row, s.line]));
    if (results.length !== sent.length || results.some((r) => !lineOf.has(r.row))) {
      throw new ImportFailed(`the edge answered the chunk starting at row ${first.row} for rows it was not sent`, result());
    }
    for (const answer of results) {
      const line = lineOf.get(answer.row)!;
      switch (answer.status) {
        case 'created':
          counts.created++;
          continue;
        case 'duplicate':
          counts.duplicate++;
          continue;
        case 'rejected':
          counts.rejected++;
          break;
        case 'conflict':
          counts.conflict++;
          break;
        case 'missing-parent':
          counts.missingParent++;
          break;
        default:
          throw new ImportFailed(`the edge answered row ${answer.row} with an unknown status`, result());
      }
      const faults = answer.faults?.map((f) => ({ field: f.path, reason: f.reason })) ?? [];
      reject(answer.row, line, faults.length > 0 ? faults : [{ field: '', reason: answer.status }]);
    }
    entries = [];
    sent = [];
    chunkBytes = ENVELOPE_BYTES;
    progress();
  };

  try {
    const source = format === 'csv' ? csvRows(options.kind, counted()) : ndjsonRows(counted());
    for await (const { row, line, result: mapped } of source) {
      counts.rows++;
      // between chunks too, so a file of mostly bad rows still shows it is moving
      if (counts.rows % 256 === 0) progress();
      if (!mapped.ok) {
        counts.rejected++;
        reject(row, line, allFaults(options.kind, mapped));
        continue;
      }
      const entry = JSON.stringify({ row, record: mapped.record });
      const size = Buffer.byteLength(entry) + 1;
      if (ENVELOPE_BYTES + size > maxChunkBytes) {
        counts.rejected++;
        reject(row, line, [{ field: '', reason: `the row is larger than an import request may be (${maxChunkBytes} bytes)` }]);
        continue;
      }
      if (entries.length >= chunkRows || chunkBytes + size > maxChunkBytes) await flush();
      entries.push(entry);
      sent.push({ row, line });
      chunkBytes += size;
    }
    await flush();
  } catch (error) {
    if (error instanceof ImportFailed) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFailed(error instanceof HeaderError ? reason : `reading ${options.file} failed after row ${counts.rows}: ${reason}`, result());
  } finally {
    stream.destroy();
  }
  progress();
  // Rows spoiled in the file are named as they are read, the edge's after their chunk: row order reads better.
  rejects.sort((a, b) => a.row - b.row);
  return result();
}
