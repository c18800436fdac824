import { cellText, DisclosurePolicy, Level, ProtectedCell, protectTable } from '../../../../libs/analytics/src';
import { HomeOfficeCategory } from '../../../../libs/contracts/src';
import { csvCell } from '../custody/children-in-custody.report';

/** A figure, `[c]` (suppressed), or null (no figure: no population configured, nothing to divide by). */
export type Cell = number | string | null;

export interface TableRow {
  key: string;
  label: string;
  level?: 'leaf' | 'subtotal' | 'total';
  cells: Cell[];
}

export interface Table {
  columns: string[];
  rows: TableRow[];
}

/** Half away from zero, as the packs' spreadsheets round (-29.05 → -29.1). */
export function round(x: number, decimals = 0): number {
  const f = 10 ** decimals;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
}

/** n per `per` people, one decimal; null with no population. */
export const rate = (n: number, population: number | undefined, per: number): number | null => (population ? round((n / population) * per, 1) : null);

/** n as a percentage of `of`, one decimal; null when `of` is 0. */
export const percent = (n: number, of: number): number | null => (of > 0 ? round((n / of) * 100, 1) : null);

/** Change from first to last as a percentage of first, one decimal (pack-2018 prints fires so: 29.0%). */
export const percentChange = (first: number | null, last: number | null): number | null =>
  first === null || last === null || first === 0 ? null : round(((last - first) / first) * 100, 1);

/** One column per year, then change and % change (first year to last) when there are two or more. */
export const yearColumns = (years: number[]): string[] => [...years.map(String), ...(years.length > 1 ? ['Change', '% change'] : [])];

/** A row's yearly values with change and % change appended (as yearColumns); `decimals` of the change. */
export function withChange(values: (number | null)[], decimals = 0): Cell[] {
  if (values.length < 2) return values;
  const [first, last] = [values[0], values[values.length - 1]];
  return [...values, first === null || last === null ? null : round(last - first, decimals), percentChange(first, last)];
}

/** A node of a category tree: a leaf is a counted category, a node with parts a subtotal. */
export interface TreeNode {
  key: string;
  label: string;
  parts?: TreeNode[];
}

const leaf = (key: HomeOfficeCategory, label: string): TreeNode => ({ key, label });

/**
 * Recorded crime as pack-2018 (L1036-1076) groups it, labels as it prints them. Only the
 * leaves are counted; every group is summed from them.
 */
export const CRIME_TREE: TreeNode = {
  key: 'total', label: 'Total recorded crime', parts: [
    { key: 'victim-based', label: 'Victim based crime', parts: [
      { key: 'violence-against-the-person', label: 'Violence against the person', parts: [
        leaf('homicide', 'Homicide'), leaf('violence-with-injury', 'Violence with Injury'), leaf('violence-without-injury', 'Violence without Injury'),
      ] },
      { key: 'sexual-offences', label: 'Sexual Offences', parts: [leaf('rape', 'Rape'), leaf('other-sexual-offences', 'Other Sexual Offences')] },
      { key: 'acquisitive', label: 'Acquisitive Crime', parts: [
        leaf('burglary-residential', 'Burglary - Residential'), leaf('burglary-business-community', 'Burglary – Business and Community'),
        leaf('bicycle-theft', 'Bicycle Theft'), leaf('theft-from-person', 'Theft from the Person'), leaf('robbery-personal', 'Robbery - Personal'),
        leaf('robbery-business', 'Robbery - Business'), leaf('vehicle-crime', 'Vehicle Crime'), leaf('shoplifting', 'Shoplifting'),
        leaf('other-acquisitive', 'Other Acquisitive'),
      ] },
      leaf('criminal-damage-arson', 'Criminal Damage and Arson'),
    ] },
    { key: 'other-crimes-against-society', label: 'Other crimes against society', parts: [
      leaf('public-disorder', 'Public Disorder'),
      { key: 'drug-offences', label: 'Drug Offences', parts: [leaf('trafficking-of-drugs', 'Trafficking of Drugs'), leaf('possession-of-drugs', 'Possession / Use of Drugs')] },
      leaf('possession-of-weapons', 'Possession of Weapons'),
      leaf('misc-crimes-against-society', 'Misc. Crimes against Society'),
    ] },
  ],
};

/** The groups recorded crime is shown in below partnership level: together they hold every leaf once. */
export const CRIME_MAIN_GROUPS = ['violence-against-the-person', 'sexual-offences', 'acquisitive', 'criminal-damage-arson', 'other-crimes-against-society'];

export const leavesOf = (node: TreeNode): string[] => (node.parts ? node.parts.flatMap(leavesOf) : [node.key]);
export const findNode = (node: TreeNode, key: string): TreeNode | undefined =>
  node.key === key ? node : node.parts?.map((p) => findNode(p, key)).find(Boolean);

/**
 * The tree as rows, each subtotal before its parts (as the pack prints its groups), every
 * subtotal the sum of its leaves' values, never a stored figure.
 */
export function treeRows(node: TreeNode, leafValues: (key: string) => number[], cells: (values: number[]) => Cell[], top = true): TableRow[] {
  if (!node.parts) return [{ key: node.key, label: node.label, level: 'leaf', cells: cells(leafValues(node.key)) }];
  const sums = leavesOf(node).map(leafValues).reduce((a, b) => a.map((v, i) => v + b[i]));
  return [{ key: node.key, label: node.label, level: top ? 'total' : 'subtotal', cells: cells(sums) }, ...node.parts.flatMap((p) => treeRows(p, leafValues, cells, false))];
}

const shown = (c: ProtectedCell): Cell => ('value' in c ? c.value : cellText(c));

/**
 * Counts by row and column with a Total column and a Total row, through disclosure control:
 * below partnership level suppressed and rounded (libs/analytics), at partnership level as counted.
 */
export function protectedTable(rows: { key: string; label: string }[], columns: string[], counts: number[][], level: Level, policy: DisclosurePolicy): Table {
  if (rows.length === 0) return { columns: [...columns, 'Total'], rows: [{ key: 'total', label: 'Total', level: 'total', cells: [...columns.map(() => 0), 0] }] };
  const p = protectTable(counts, level, policy);
  return {
    columns: [...columns, 'Total'],
    rows: [
      ...rows.map((r, i): TableRow => ({ key: r.key, label: r.label, level: 'leaf', cells: [...p.cells[i].map(shown), shown(p.rowTotals[i])] })),
      { key: 'total', label: 'Total', level: 'total', cells: [...p.columnTotals.map(shown), shown(p.total)] },
    ],
  };
}

/** The table as CSV (RFC 4180, formula-guarded cells, CRLF): a header row, then one row per table row; no figure is an empty field. */
export function tableCsv(rowHeading: string, table: Table): string {
  const lines = [[rowHeading, ...table.columns], ...table.rows.map((r) => [r.label, ...r.cells])];
  return lines.map((line) => line.map((c) => csvCell(c ?? undefined)).join(',')).join('\r\n') + '\r\n';
}
