import 'reflect-metadata';
import { createWriteStream, existsSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Agency, AGENCIES, kindsOf, RecordKind } from '../../../contracts/src';
import { edgeUrl } from '../edge-url';
import { formatOf, ImportCounts, importFile, ImportFailed, ImportFormat, ImportProgress, ImportResult, RejectedRow } from './importer';


const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_REJECTS = 3;

const usage = `usage: npm run import -- --agency <agency> --kind <kind> --file <file> [options]

  Streams a CSV or NDJSON file of one record kind to an agency edge (POST /imports/<kind>).
  Good rows go in; rejected rows are written to a report; rows already recorded are
  duplicates, so running the same file again adds nothing twice.

  --agency <agency>   ${AGENCIES.join(', ')}
  --kind <kind>       the record kind, e.g. custody-entry (see the agency's kinds below)
  --file <file>       .csv (a header of dotted field paths, e.g. detainee.givenName) or
                      .ndjson / .jsonl (one JSON record per line)
  --format <format>   csv or ndjson, when the extension does not say
  --edge <url>        the edge; default http://127.0.0.1:<agency port>, or $<AGENCY>_URL
                      (e.g. HOUSING_URL, YOUTH_JUSTICE_URL)
  --report <file>     the rejects report (row,line,field,reason); default <file>.rejects.csv,
                      written only when there are rejects
  --chunk-rows <n>    rows per request (default 500, at most 1000)
  --help

  CSV: an empty cell is an absent field; booleans are true or false; numbers are plain
  decimals; a list of values is one cell split on | (dash.answers: true|false|...); a list
  of objects is numbered columns (childrenPresent.0.givenName, childrenPresent.1.givenName).

  Exit status: 0 every row went in or was already there; 3 some rows were rejected, in
  conflict or missing their parent record (see the report); 1 the import failed (the rows
  before the failure are in: run it again to finish); 2 bad arguments.

  Kinds: ${AGENCIES.map((a) => `${a}: ${kindsOf(a).map((k) => k.kind).join(', ') || '(none yet)'}`).join('; ')}`;

class UsageError extends Error {}

interface CliOptions {
  kind: RecordKind;
  file: string;
  format: ImportFormat;
  edgeUrl: string;
  report: string;
  chunkRows?: number;
}

function readOptions(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        agency: { type: 'string' },
        kind: { type: 'string' },
        file: { type: 'string' },
        format: { type: 'string' },
        edge: { type: 'string' },
        report: { type: 'string' },
        'chunk-rows': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const { agency, kind: kindName, file } = values;
  if (!agency || !kindName || !file) throw new UsageError('--agency, --kind and --file are required');
  if (!(AGENCIES as readonly string[]).includes(agency)) throw new UsageError(`unknown agency ${agency}: one of ${AGENCIES.join(', ')}`);
  const kinds = kindsOf(agency);
  const kind = kinds.find((k) => k.kind === kindName);
  if (!kind) throw new UsageError(`${agency} has no record kind ${kindName}: ${kinds.length > 0 ? `one of ${kinds.map((k) => k.kind).join(', ')}` : 'it takes no records yet'}`);
  if (!existsSync(file)) throw new UsageError(`no file ${file}`);
  let format: ImportFormat;
  if (values.format === undefined) {
    try {
      format = formatOf(file);
    } catch (error) {
      throw new UsageError(`${(error as Error).message} with --format`);
    }
  } else if (values.format === 'csv' || values.format === 'ndjson') {
    format = values.format;
  } else {
    throw new UsageError('--format is csv or ndjson');
  }
  let chunkRows: number | undefined;
  if (values['chunk-rows'] !== undefined) {
    chunkRows = Number(values['chunk-rows']);
    if (!Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 1000) throw new UsageError('--chunk-rows is a whole number from 1 to 1000');
  }
  return { kind, file, format, edgeUrl: values.edge ?? edgeUrl(agency as Agency), report: values.report ?? `${file}.rejects.csv`, chunkRows };
}

const number = (n: number) => n.toLocaleString('en-GB');
const rate = (rows: number, ms: number) => (ms > 0 ? Math.round((rows * 1000) / ms) : 0);

/** Counts and row numbers only: progress never shows what a row says. */
function progressText(p: ImportProgress): string {
  const percent = p.totalBytes > 0 ? Math.min(100, Math.floor((p.bytesRead * 100) / p.totalBytes)) : 100;
  const { rows, created, duplicate } = p.counts;
  return `${String(percent).padStart(3)}% ${number(rows)} rows: ${number(created)} created, ${number(duplicate)} dup, ${number(refused(p.counts))} rejected, ${number(rate(rows, p.elapsedMs))} rows/s`;
}

const refused = (c: ImportCounts) => c.rejected + c.conflict + c.missingParent;

function progressReporter(): { update: (p: ImportProgress) => void; done: () => void } {
  const stderr = process.stderr;
  let last = Date.now();
  if (stderr.isTTY) {
    let drawn = false;
    return {
      update: (p) => {
        const now = Date.now();
        if (now - last < 100 && p.bytesRead < p.totalBytes) return;
        last = now;
        const text = progressText(p);
        // a steady bar where the terminal has room beside the longest counts, none where not
        const width = Math.min(24, (stderr.columns ?? 120) - 86);
        const done = p.totalBytes > 0 ? Math.min(p.bytesRead, p.totalBytes) / p.totalBytes : 1;
        const bar = width >= 8 ? `[${'#'.repeat(Math.round(done * width))}${'-'.repeat(width - Math.round(done * width))}] ` : '';
        stderr.write(`\r${(bar + text).slice(0, (stderr.columns ?? 120) - 1)}\x1b[K`);
        drawn = true;
      },
      done: () => {
        if (drawn) stderr.write('\r\x1b[K');
      },
    };
  }
  // Not a terminal (a log, CI): a line now and then instead of a redrawn bar.
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      stderr.write(`import: ${progressText(p)}\n`);
    },
    done: () => undefined,
  };
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

async function writeReport(path: string, rejects: RejectedRow[]): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve)));
  await write('row,line,field,reason\n');
  for (const r of rejects) await write(`${r.row},${r.line},${csvCell(r.field)},${csvCell(r.reason)}\n`);
  out.end();
  await finished(out);
}

async function summarise(options: CliOptions, result: ImportResult): Promise<void> {
  const c = result.counts;
  console.log(`${options.kind.agency} ${options.kind.kind} from ${options.file} (${options.format}) to ${options.edgeUrl}`);
  console.log(
    `rows ${number(c.rows)}: created ${number(c.created)}, duplicate ${number(c.duplicate)}, rejected ${number(c.rejected)}, conflict ${number(c.conflict)}, missing parent ${number(c.missingParent)}`,
  );
  console.log(`in ${(result.elapsedMs / 1000).toFixed(1)} s (${number(rate(c.rows, result.elapsedMs))} rows/s)`);
  if (result.rejects.length > 0) {
    await writeReport(options.report, result.rejects);
    const rows = new Set(result.rejects.map((r) => r.row)).size;
    console.log(`report: ${number(rows)} rows, ${number(result.rejects.length)} faults in ${options.report}`);
  } else if (existsSync(options.report)) {
    console.log(`no rejects (${options.report} is from an earlier run)`);
  }
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message} (see --help)`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    console.log(usage);
    return EXIT_OK;
  }
  const progress = progressReporter();
  try {
    const result = await importFile({ edgeUrl: options.edgeUrl, kind: options.kind, file: options.file, format: options.format, chunkRows: options.chunkRows, onProgress: progress.update });
    progress.done();
    await summarise(options, result);
    return refused(result.counts) > 0 ? EXIT_REJECTS : EXIT_OK;
  } catch (error) {
    progress.done();
    if (!(error instanceof ImportFailed)) throw error;
    await summarise(options, error.result);
    console.error(`import failed: ${error.message}`);
    return EXIT_FAILED;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_FAILED;
  },
);
