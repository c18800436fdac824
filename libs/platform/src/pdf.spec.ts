import { pdfText } from '../../../test/support/pdf-text';
import { PdfDocumentSpec, renderPdf } from './pdf';

const preparedAt = new Date('2026-11-23T14:05:30Z');
const footer = (n: number, m: number) => `Prepared for Jo Bloggs (IDVA, Harbour Support) at 2026-11-23 14:05 UTC · page ${n} of ${m}`;
const refs = Array.from({ length: 120 }, (_, i) => `CP-${1001 + i}`);

const longSpec: PdfDocumentSpec = {
  title: 'Subject access export',
  preparedFor: { name: 'Jo Bloggs', role: 'IDVA', agency: 'Harbour Support' },
  preparedAt,
  sections: [
    { heading: 'Data subject', facts: [['Name', 'Alex Example'], ['Date of birth', '1990-01-02']] },
    { heading: 'About this export', paragraphs: ['Everything the hub holds about the data subject. '.repeat(30)] },
    {
      heading: 'Incidents',
      table: {
        columns: ['Reference', 'Date', 'Agency', 'Summary'],
        // Every tenth summary is long enough to wrap inside its cell.
        rows: refs.map((ref, i) => [ref, '2026-01-02', 'Cleveland Police', i % 10 ? 'Verbal argument' : 'Neighbour heard shouting and a door slamming']),
      },
    },
  ],
};

describe('renderPdf', () => {
  let pages: string[];
  let pdf: Buffer;

  beforeAll(async () => {
    pdf = await renderPdf(longSpec);
    ({ pages } = await pdfText(pdf));
  });

  it('flows a long table over several pages with the marking and the reader footer on each', () => {
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((text, i) => {
      expect(text).toContain(footer(i + 1, pages.length));
      expect(text).toContain('OFFICIAL-SENSITIVE');
    });
  });

  it('puts the title on page 1 and keeps every section, fact and row', () => {
    expect(pages[0]).toContain('Subject access export');
    expect(pages.slice(1).join('\n')).not.toContain('Subject access export');
    const text = pages.join('\n');
    for (const heading of ['Data subject', 'About this export', 'Incidents']) expect(text).toContain(heading);
    expect(text).toContain('Date of birth: 1990-01-02');
    // Every row exactly once and in order, including those either side of a page break.
    expect(text.match(/CP-\d{4}/g)).toEqual(refs);
    expect(text).toContain('Cleveland Police');
  });

  it('repeats the table header on each page the table continues onto', () => {
    const tablePages = pages.filter((text) => /CP-\d{4}/.test(text));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const text of tablePages) expect(text).toMatch(/Reference\s*Date\s*Agency\s*Summary/);
  });

  it('records title, author and preparation time in the PDF info, and renders the same bytes twice', async () => {
    const raw = pdf.toString('latin1');
    // pdfkit writes Info values as plain string objects, so the raw bytes show them.
    expect(raw).toContain('(Subject access export)');
    expect(raw).toContain('(safer-hub)');
    expect(raw).toContain('(D:20261123140530Z)');
    expect((await renderPdf(longSpec)).equals(pdf)).toBe(true);
  });

  it('fits a short document on one page, with its own marking and a footer naming only the reader', async () => {
    const sections = [{ heading: 'Summary', paragraphs: ['Nothing to report.'] }];
    const short = await pdfText(await renderPdf({ title: 'Custody report', preparedFor: { name: 'Sam Smith' }, preparedAt, marking: 'OFFICIAL', sections }));
    expect(short.pages).toHaveLength(1);
    expect(short.text).toContain('Prepared for Sam Smith at 2026-11-23 14:05 UTC · page 1 of 1');
    expect(short.text).toContain('OFFICIAL');
    expect(short.text).not.toContain('OFFICIAL-SENSITIVE');
    expect(short.text).toContain('Nothing to report.');
  });
});
