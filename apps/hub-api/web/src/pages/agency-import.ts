import { errorSummary } from '../api.js';
import { cards, dataTable, fmt, h, replace, saveBlob, uid } from '../dom.js';
import { heading, PageContext } from '../page.js';
import { agencyName, initialKind, kindName, kindSelect, KindView, loadKinds, PURPOSE } from './agency-common.js';
import { csvColumns } from './agency-form.js';

interface Counts {
  rows: number;
  created: number;
  duplicate: number;
  rejected: number;
  conflict: number;
  missingParent: number;
}

interface Reject {
  row: number;
  line: number;
  field: string;
  reason: string;
}

/** The lines of the gateway's answer (NDJSON), as they come. */
type ImportLine =
  | { type: 'progress'; bytesRead: number; totalBytes: number; totalRows: number | null; counts: Counts }
  | { type: 'result'; counts: Counts; rejects: Reject[]; rejectsTotal: number; elapsedMs: number }
  | { type: 'failed'; error: string; counts: Counts; rejects: Reject[]; rejectsTotal: number; elapsedMs: number };

/** the gateway's limit; it answers 413 past it */
const MAX_MB = 50;

const refused = (c: Counts) => c.rejected + c.conflict + c.missingParent;
const plural = (n: number, one: string, many: string) => `${fmt.number(n)} ${n === 1 ? one : many}`;
const countsText = (c: Counts) =>
  `${plural(c.rows, 'row', 'rows')}: ${fmt.number(c.created)} created, ${plural(c.duplicate, 'duplicate', 'duplicates')}, ${fmt.number(refused(c))} rejected`;

function formatOf(file: File): { format: 'csv' | 'ndjson'; type: string } | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return { format: 'csv', type: 'text/csv' };
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return { format: 'ndjson', type: 'application/x-ndjson' };
  return null;
}

/** What a file of this kind looks like: the CSV header, the conventions, an empty template. */
function columnsHelp(kind: KindView): HTMLElement {
  const columns = csvColumns(kind.schema);
  const header = columns.join(',');
  const name = kindName(kind).toLowerCase();
  return h(
    'details',
    { class: 'import-help' },
    h('summary', null, `The columns of a ${name} file`),
    h('p', null, `A CSV file starts with a header row naming the fields, in any order. All the ${name} fields:`),
    h('p', { class: 'columns' }, h('code', null, header)),
    h(
      'ul',
      null,
      h('li', null, 'Leave a cell empty for a field you do not have.'),
      h('li', null, 'Yes or no is true or false. Dates are YYYY-MM-DD; times are ISO 8601 with an offset, e.g. 2026-03-01T21:40:00Z.'),
      h('li', null, 'A list of values goes in one cell, separated by | (DASH answers: true|false|true…).'),
      h('li', null, 'A list of things has numbered columns: childrenPresent.0.givenName, childrenPresent.1.givenName.'),
      h('li', null, 'NDJSON (.ndjson or .jsonl): one JSON record per line, as the Submit a record page sends it.'),
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => saveBlob(new Blob([`${header}\r\n`], { type: 'text/csv' }), `${kind.kind}-template.csv`) }, `Download an empty ${name} CSV`),
  );
}

/**
 * Bulk import: an officer loads a CSV or NDJSON file of one record kind into their agency's
 * edge through the hub. The hub answers with a line per chunk taken in, so the page shows
 * the progress as it happens, then the counts and the rejected rows to fix. A row already
 * recorded comes back as a duplicate, so running the same file again adds nothing twice.
 */
export async function renderImports(ctx: PageContext): Promise<Node> {
  const agency = ctx.user.agency;
  const title = heading('Bulk import', undefined, `Load a file of records into the ${agencyName(agency)} edge: good rows go in, rejected rows come back with the reason, so you can fix them and run the file again.`);
  const kinds = await loadKinds(ctx);
  if (kinds.length === 0) return h('div', null, title, h('p', null, 'Your agency sends no records through the hub yet.'));

  let kind = initialKind(ctx, kinds);
  let running = false;
  let left = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  ctx.onLeave(() => {
    left = true;
    void reader?.cancel().catch(() => undefined);
  });

  const help = h('div', null, columnsHelp(kind));
  const problems = h('div');

  // the file field, with its own message slot (GOV.UK order: label, hint, error, control)
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.ndjson,.jsonl', id: uid('file') });
  const fileHint = h('span', { class: 'hint', id: uid('hint') }, `CSV (.csv) or NDJSON (.ndjson, .jsonl) of the kind chosen above, at most ${MAX_MB} MB.`);
  const fileError = h('span', { class: 'field-error', id: uid('error'), hidden: true });
  file.setAttribute('aria-describedby', fileHint.id);
  const fileProblem = (text: string | null) => {
    fileError.hidden = !text;
    replace(fileError, text ? [h('span', { class: 'visually-hidden' }, 'Error: '), text] : null);
    if (text) file.setAttribute('aria-invalid', 'true');
    else file.removeAttribute('aria-invalid');
    file.setAttribute('aria-describedby', text ? `${fileError.id} ${fileHint.id}` : fileHint.id);
  };

  const start = h('button', { type: 'submit' }, 'Start the import');
  const bar = h('progress', { id: uid('progress'), max: 1 });
  const status = h('p', { role: 'status', class: 'import-status' });
  const progressArea = h('section', { class: 'import-progress', hidden: true, 'aria-labelledby': 'import-progress-title' }, h('h2', { id: 'import-progress-title' }, 'Progress'), h('label', { for: bar.id, class: 'label' }, 'How much of the file is done'), bar, status);
  const result = h('div');

  const show = (line: ImportLine) => {
    if (line.type === 'progress') {
      const c = line.counts;
      // rows answered (taken, or refused) of the rows in the file; bytes read if the rows could not be counted
      const done = c.created + c.duplicate + refused(c);
      const [value, max] = line.totalRows !== null ? [done, line.totalRows] : [line.bytesRead, line.totalBytes];
      bar.max = Math.max(1, max);
      bar.value = Math.min(value, bar.max);
      const percent = max > 0 ? Math.floor((value * 100) / max) : 100;
      status.textContent =
        line.totalRows !== null
          ? `${percent}% done: ${fmt.number(done)} of ${plural(line.totalRows, 'row', 'rows')}. ${fmt.number(c.created)} created, ${plural(c.duplicate, 'duplicate', 'duplicates')}, ${fmt.number(refused(c))} rejected so far.`
          : `${percent}% of the file read. ${countsText(c)} so far.`;
      return;
    }
    bar.value = bar.max;
    const c = line.counts;
    const done = line.type === 'result';
    status.textContent = done ? `Import finished. ${countsText(c)}.` : `The import stopped. ${countsText(c)} before it stopped.`;
    replace(
      result,
      h('h2', null, done ? 'Import finished' : 'The import stopped'),
      done ? null : h('div', { class: 'error-summary', role: 'alert' }, h('h3', null, 'The import did not finish'), h('p', null, line.error)),
      cards([
        ['rows read', fmt.number(c.rows)],
        ['created', fmt.number(c.created)],
        ['already there (duplicates)', fmt.number(c.duplicate)],
        ['rejected', fmt.number(c.rejected)],
        ...(c.conflict ? ([['in conflict with a record already there', fmt.number(c.conflict)]] as [string, string][]) : []),
        ...(c.missingParent ? ([['missing the record they belong to', fmt.number(c.missingParent)]] as [string, string][]) : []),
      ]),
      h('p', null, `Took ${(line.elapsedMs / 1000).toFixed(1)} seconds.`),
      h(
        'p',
        { class: 'notice' },
        done
          ? 'Re-running the same file adds nothing twice: rows already recorded come back as duplicates. Fix the rejected rows in your file and run it again to add them.'
          : 'The rows before the stop are in. Run the same file again to finish: re-running it adds nothing twice, as rows already recorded come back as duplicates.',
      ),
      line.rejectsTotal > line.rejects.length ? h('p', null, `The first ${fmt.number(line.rejects.length)} of ${fmt.number(line.rejectsTotal)} faults are shown.`) : null,
      dataTable<Reject>(
        'Rejected rows',
        [
          { label: 'Row', value: (r) => fmt.number(r.row), numeric: true },
          { label: 'Line', value: (r) => fmt.number(r.line), numeric: true },
          { label: 'Field', value: (r) => (r.field ? h('code', null, r.field) : 'the whole row') },
          { label: 'Reason', value: (r) => r.reason },
        ],
        line.rejects,
        'No rows were rejected.',
      ),
    );
  };

  const run = async (event: SubmitEvent) => {
    event.preventDefault();
    if (running) return;
    problems.replaceChildren();
    fileProblem(null);
    const chosen = file.files?.[0];
    const format = chosen ? formatOf(chosen) : null;
    if (!chosen) return fileProblem('Choose the file to import');
    if (!format) return fileProblem('Choose a .csv, .ndjson or .jsonl file');
    if (chosen.size > MAX_MB * 1024 * 1024) return fileProblem(`The file is larger than ${MAX_MB} MB: split it into smaller files`);

    running = true;
    start.setAttribute('aria-disabled', 'true');
    result.replaceChildren();
    progressArea.hidden = false;
    bar.removeAttribute('value'); // indeterminate while the file is sent
    status.textContent = `Sending ${chosen.name} (${fmt.number(Math.ceil(chosen.size / 1024))} KB) to the hub…`;
    let finished = false;
    try {
      const path = `/api/agencies/${encodeURIComponent(agency)}/imports/${encodeURIComponent(kind.kind)}?format=${format.format}`;
      const res = await ctx.api.send('POST', path, PURPOSE, chosen, format.type);
      reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (value) buffer += decoder.decode(value, { stream: true });
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const text = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!text) continue;
          const line = JSON.parse(text) as ImportLine;
          if (line.type !== 'progress') finished = true;
          if (!left) show(line);
        }
        if (done) break;
      }
      if (!finished && !left) throw new Error('The connection to the hub ended before the import said how it went. Rows sent before are in: run the same file again to finish.');
    } catch (error) {
      if (left) return;
      progressArea.hidden = !finished;
      status.textContent = '';
      const summary = errorSummary(error);
      problems.replaceChildren(summary);
      summary.focus();
    } finally {
      reader = null;
      running = false;
      start.removeAttribute('aria-disabled');
    }
  };

  return h(
    'div',
    null,
    title,
    problems,
    h(
      'form',
      { novalidate: true, onsubmit: run, 'aria-label': 'Bulk import' },
      kindSelect(kinds, kind, '/imports', (chosen) => {
        kind = chosen;
        replace(help, columnsHelp(kind));
      }),
      help,
      h('div', { class: 'field' }, h('label', { for: file.id }, 'File'), fileHint, fileError, file),
      start,
    ),
    progressArea,
    result,
  );
}
