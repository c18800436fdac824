import PDFDocument from 'pdfkit';

/** A document for one reader: used by subject access exports, MARAC case packs and custody reports. */
export interface PdfDocumentSpec {
  /** big heading on page 1 and the PDF Info Title */
  title: string;
  /** who the document was produced for and when: printed in the footer of EVERY page */
  preparedFor: { name: string; role?: string; agency?: string };
  preparedAt: Date;
  /** protective marking printed in the header of every page, default 'OFFICIAL-SENSITIVE' */
  marking?: string;
  sections: PdfSection[];
}

export interface PdfSection {
  heading: string;
  /** paragraphs of plain text */
  paragraphs?: string[];
  /** key/value lines, e.g. ['Date of birth', '1990-01-02'] */
  facts?: [string, string][];
  /** a simple table: header row + rows of strings; long tables continue on new pages with the header repeated */
  table?: { columns: string[]; rows: string[][] };
}

const MARGIN = 56; // ~2 cm; the header and footer sit inside the top and bottom margins
const CELL_PAD = 4;
const BODY_SIZE = 10;

/** `2026-11-23 14:05 UTC`: readers compare this with audit records, so always UTC and never locale-formatted. */
export function pdfTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The footer line without its page number, e.g. `Prepared for Jo Bloggs (IDVA, Harbour) at 2026-11-23 14:05 UTC`. */
export function preparedForLine(spec: Pick<PdfDocumentSpec, 'preparedFor' | 'preparedAt'>): string {
  const { name, role, agency } = spec.preparedFor;
  const about = [role, agency].filter(Boolean).join(', ');
  return `Prepared for ${name}${about ? ` (${about})` : ''} at ${pdfTimestamp(spec.preparedAt)}`;
}

/** Lays out the document on A4 in the standard Helvetica fonts (nothing to ship or embed) and returns the PDF bytes. */
export function renderPdf(spec: PdfDocumentSpec): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true, // footers need the page count, known only after layout
    info: { Title: spec.title, Author: 'safer-hub', CreationDate: spec.preparedAt },
  });
  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(18).text(spec.title);
  for (const section of spec.sections) writeSection(doc, section);
  stampPages(doc, spec);
  doc.end();
  return bytes;
}

function writeSection(doc: PDFKit.PDFDocument, section: PdfSection): void {
  doc.moveDown();
  // Keep a heading with at least a few lines of what follows it.
  if (doc.y + 4 * doc.currentLineHeight(true) > doc.page.maxY()) doc.addPage();
  doc.x = doc.page.margins.left;
  doc.font('Helvetica-Bold').fontSize(13).text(section.heading);
  doc.moveDown(0.3).fontSize(BODY_SIZE);
  for (const paragraph of section.paragraphs ?? []) doc.font('Helvetica').text(paragraph).moveDown(0.5);
  for (const [key, value] of section.facts ?? []) doc.font('Helvetica-Bold').text(`${key}: `, { continued: true }).font('Helvetica').text(value);
  if (section.table) writeTable(doc, section.table);
}

function writeTable(doc: PDFKit.PDFDocument, table: NonNullable<PdfSection['table']>): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const colWidth = width / table.columns.length;
  const textWidth = colWidth - 2 * CELL_PAD;

  const rowHeight = (cells: string[], font: string) => {
    doc.font(font);
    return Math.max(0, ...cells.map((cell) => doc.heightOfString(cell, { width: textWidth }))) + 2 * CELL_PAD;
  };
  const drawRow = (cells: string[], font: string, height: number, shade: boolean) => {
    const top = doc.y;
    if (shade) doc.rect(left, top, width, height).fill('#e6e6e6').fillColor('black');
    doc.font(font);
    cells.forEach((cell, i) => doc.text(cell, left + i * colWidth + CELL_PAD, top + CELL_PAD, { width: textWidth }));
    doc.moveTo(left, top + height).lineTo(left + width, top + height).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.x = left;
    doc.y = top + height;
  };

  doc.fontSize(BODY_SIZE).moveDown(0.5);
  const headerHeight = rowHeight(table.columns, 'Helvetica-Bold');
  const drawHeader = () => drawRow(table.columns, 'Helvetica-Bold', headerHeight, true);
  // Start on a new page rather than leave a header with no rows under it.
  if (doc.y + headerHeight + rowHeight(table.rows[0] ?? [], 'Helvetica') > doc.page.maxY()) doc.addPage();
  drawHeader();
  for (const row of table.rows) {
    const height = rowHeight(row, 'Helvetica');
    if (doc.y + height > doc.page.maxY()) {
      doc.addPage();
      drawHeader();
    }
    drawRow(row, 'Helvetica', height, false);
  }
  doc.x = left;
}

/** Writes the marking and the reader's footer onto every page once the page count is known. */
function stampPages(doc: PDFKit.PDFDocument, spec: PdfDocumentSpec): void {
  const marking = spec.marking ?? 'OFFICIAL-SENSITIVE';
  const preparedFor = preparedForLine(spec);
  const { start, count } = doc.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    doc.switchToPage(start + i);
    const { page } = doc;
    const width = page.width - page.margins.left - page.margins.right;
    // Text below maxY() would make pdfkit add a page: drop the bottom margin while stamping.
    const bottom = page.margins.bottom;
    page.margins.bottom = 0;
    doc.font('Helvetica-Bold').fontSize(9).text(marking, page.margins.left, MARGIN / 2, { width, align: 'center' });
    const footer = `${preparedFor} · page ${i + 1} of ${count}`;
    doc.font('Helvetica').fontSize(8).text(footer, page.margins.left, page.height - MARGIN / 2 - 8, { width, align: 'center' });
    page.margins.bottom = bottom;
  }
}
