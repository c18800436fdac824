import type PdfParse from 'pdf-parse';

// pdf-parse 1.1.1: CommonJS with pdf.js bundled, so it runs under jest on Node 20 (v2 import()s an ESM pdf.js worker, which jest's CommonJS VM refuses).
// Required by its lib path: the package index runs a debug self-test when loaded without a parent module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as typeof PdfParse;

/** The text of each page as pdf.js reads it: checks what a reader's viewer shows, not what we meant to write. */
export async function pdfText(pdf: Buffer): Promise<{ pages: string[]; text: string }> {
  const pages: string[] = [];
  const pagerender = async (page: any): Promise<string> => {
    const content = await page.getTextContent();
    // A new line wherever the baseline moves, as pdf-parse's own renderer does.
    let text = '';
    let lastY: number | undefined;
    for (const item of content.items as { str: string; transform: number[] }[]) {
      const y = item.transform[5];
      text += lastY === undefined || y === lastY ? item.str : `\n${item.str}`;
      lastY = y;
    }
    pages[page.pageIndex] = text;
    return text;
  };
  // A plain Uint8Array: the bundled pdf.js copies a Node Buffer with its bytes shifted ('bad XRef entry').
  const result = await pdfParse(new Uint8Array(pdf) as Buffer, { pagerender });
  // pdf-parse skips a page it cannot read: fail loudly instead (holes are not keys).
  const read = Object.keys(pages).length;
  if (read !== result.numpages) throw new Error(`pdf.js read ${read} of ${result.numpages} pages`);
  return { pages, text: pages.join('\n') };
}
