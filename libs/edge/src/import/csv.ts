import { StringDecoder } from 'node:string_decoder';

/** One CSV record: its ordinal in the file (the header is 1), the line it starts on, its cells. */
export interface CsvRecord {
  recordNumber: number;
  line: number;
  cells: string[];
  /** set when the record breaks RFC 4180 (text after a closing quote, a quote never closed) */
  malformed?: string;
}

export interface CsvOptions {
  /**
   * A record longer than this stops the parse: an unclosed quote would otherwise pull the rest
   * of the file into one cell (and into memory). An import chunk cannot carry more anyway.
   */
  maxRecordChars?: number;
}

const DEFAULT_MAX_RECORD_CHARS = 1_000_000;

const enum State {
  /** at the start of a cell */
  CellStart,
  Unquoted,
  Quoted,
  /** a quote seen inside a quoted cell: a doubled quote or the end of the cell */
  QuoteInQuoted,
}

/**
 * A streaming RFC 4180 parser: quoted cells with commas, doubled quotes and line breaks,
 * CRLF or LF (a lone CR too), a UTF-8 BOM. Reads the input chunk by chunk and yields each
 * record as soon as it ends, so memory holds one record, never the file. Blank lines are
 * skipped. Lenient where the RFC is broken but the meaning is plain (a quote inside an
 * unquoted cell is kept); where it is not, the record says `malformed`.
 */
export async function* parseCsv(input: AsyncIterable<Buffer | string>, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const decoder = new StringDecoder('utf8');
  let state = State.CellStart;
  let cells: string[] = [];
  let cell = '';
  let recordChars = 0;
  let malformed: string | undefined;
  let line = 1;
  let recordLine = 1;
  let recordNumber = 0;
  let firstText = true;
  // After a CR ends a record, an LF straight after it belongs to the same line break.
  let skipLf = false;
  let quoteOpenedOn = 1;

  const endRecord = (): CsvRecord | undefined => {
    cells.push(cell);
    const blank = cells.length === 1 && cells[0] === '' && state === State.CellStart && malformed === undefined;
    const record = blank ? undefined : { recordNumber: ++recordNumber, line: recordLine, cells, ...(malformed ? { malformed } : {}) };
    cells = [];
    cell = '';
    recordChars = 0;
    malformed = undefined;
    state = State.CellStart;
    return record;
  };

  for await (const chunk of input) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (firstText && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      firstText = false;
    }
    const out: CsvRecord[] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (skipLf) {
        skipLf = false;
        if (c === 10) {
          i++;
          continue;
        }
      }
      if (state === State.Quoted) {
        // Copy the run up to the next quote in one go: quoted cells are where the long text is.
        const quoteAt = text.indexOf('"', i);
        const end = quoteAt === -1 ? n : quoteAt;
        const run = text.slice(i, end);
        for (let j = run.indexOf('\n'); j !== -1; j = run.indexOf('\n', j + 1)) line++;
        cell += run;
        recordChars += run.length;
        i = end;
        if (quoteAt !== -1) {
          state = State.QuoteInQuoted;
          i++;
        }
      } else if (state === State.QuoteInQuoted) {
        if (c === 34) {
          cell += '"';
          recordChars++;
          state = State.Quoted;
          i++;
        } else if (c === 44 || c === 10 || c === 13) {
          // the cell has ended; the delimiter is handled as after an unquoted cell
          state = State.Unquoted;
        } else {
          malformed ??= `text after the closing quote of cell ${cells.length + 1}`;
          state = State.Unquoted;
        }
      } else if (c === 44) {
        cells.push(cell);
        cell = '';
        state = State.CellStart;
        i++;
      } else if (c === 10 || c === 13) {
        line++;
        skipLf = c === 13;
        i++;
        const record = endRecord();
        if (record) out.push(record);
        recordLine = line;
      } else if (c === 34 && state === State.CellStart) {
        state = State.Quoted;
        quoteOpenedOn = line;
        i++;
      } else {
        // An unquoted run up to the next comma or line break.
        let end = i;
        while (end < n) {
          const d = text.charCodeAt(end);
          if (d === 44 || d === 10 || d === 13) break;
          end++;
        }
        cell += text.slice(i, end);
        recordChars += end - i;
        state = State.Unquoted;
        i = end;
      }
      if (recordChars > maxRecordChars) {
        throw new Error(`the CSV record starting on line ${recordLine} is longer than ${maxRecordChars} characters (a quote never closed?)`);
      }
    }
    for (const record of out) yield record;
  }

  const rest = decoder.end();
  if (rest) throw new Error('the file ends in the middle of a UTF-8 character');
  if (state === State.Quoted) malformed ??= `the quote opened on line ${quoteOpenedOn} is never closed`;
  if (state !== State.CellStart || cells.length > 0 || malformed) {
    const record = endRecord();
    if (record) yield record;
  }
}
