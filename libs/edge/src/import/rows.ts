import { ClassConstructor } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';

// class-transformer 0.5.1 keeps `@Type(() => X)` in a storage its index does not export and
// its package types do not map; the CommonJS module is the same singleton the decorators fill.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

/** One fault of one row, named by its column (the same dotted path the edge uses). */
export interface RowFault {
  field: string;
  reason: string;
}

export type RowResult = { ok: true; record: Record<string, unknown> } | { ok: false; record: Record<string, unknown>; faults: RowFault[] };

/** Separates the values of an array of primitives held in one cell: `true|false|true`. */
export const ARRAY_SEPARATOR = '|';

type Scalar = 'string' | 'number' | 'boolean';

/** What a property is, read from the payload class's own metadata. */
type PropertyShape =
  | { is: 'unknown' }
  | { is: 'scalar'; scalar: Scalar }
  | { is: 'object'; cls: Function }
  | { is: 'objects'; cls: Function }
  | { is: 'scalars'; scalar: Scalar };

const SCALARS = new Map<unknown, Scalar>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
]);
/** class-validator checks that say what each element of a primitive array is */
const EACH_CHECKS: Record<string, Scalar> = { isBoolean: 'boolean', isNumber: 'number', isInt: 'number', isString: 'string' };

function isPayloadClass(type: unknown): type is Function {
  return typeof type === 'function' && !SCALARS.has(type) && type !== Array && type !== Object && type !== Date;
}

export function propertyShape(cls: Function, property: string): PropertyShape {
  const designType: unknown = Reflect.getMetadata('design:type', cls.prototype, property);
  const declared = defaultMetadataStorage.findTypeMetadata(cls, property)?.typeFunction();
  if (designType === undefined && declared === undefined) return { is: 'unknown' };
  if (designType === Array) {
    if (isPayloadClass(declared)) return { is: 'objects', cls: declared };
    if (SCALARS.has(declared)) return { is: 'scalars', scalar: SCALARS.get(declared)! };
    const each = getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .find((m) => m.propertyName === property && m.each && m.name !== undefined && m.name in EACH_CHECKS);
    return { is: 'scalars', scalar: each ? EACH_CHECKS[each.name!] : 'string' };
  }
  if (isPayloadClass(declared)) return { is: 'object', cls: declared };
  if (isPayloadClass(designType)) return { is: 'object', cls: designType };
  // Unions, enums and literal types arrive as String or Object: their cells stay text.
  return { is: 'scalar', scalar: SCALARS.get(declared) ?? SCALARS.get(designType) ?? 'string' };
}

/** How one column's cell becomes a value: where it goes and what it must be. */
interface ColumnPlan {
  column: string;
  path: (string | number)[];
  /** undefined: a column the class does not know, kept as text so the edge names it */
  scalar?: Scalar;
  array: boolean;
  /** the prefixes that are array elements (`childrenPresent.0`), to spot gaps */
  elements: { arrayPath: string; index: number }[];
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** A header the file cannot be read by: every row would fail the same way, so the import stops. */
export class HeaderError extends Error {}

function planColumn(cls: Function, column: string): ColumnPlan {
  const segments = column.split('.');
  if (segments.some((s) => s === '')) throw new HeaderError(`column "${column}" is not a dotted path like detainee.givenName`);
  // these would reach Object.prototype when the record is built, not a field of it
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) throw new HeaderError(`column "${column}" names no field a record can have`);
  const path: (string | number)[] = [];
  const elements: ColumnPlan['elements'] = [];
  let owner: Function | undefined = cls;
  for (let at = 0; at < segments.length; at++) {
    const segment = segments[at];
    const isLast = at === segments.length - 1;
    path.push(segment);
    if (owner === undefined) continue;
    const shape = propertyShape(owner, segment);
    const here = segments.slice(0, at + 1).join('.');
    switch (shape.is) {
      case 'unknown':
        owner = undefined;
        break;
      case 'scalar':
        if (!isLast) throw new HeaderError(`column "${column}": ${here} is a single value, it has no fields`);
        return { column, path, scalar: shape.scalar, array: false, elements };
      case 'scalars':
        if (!isLast) throw new HeaderError(`column "${column}": give ${here} as one cell, its values separated by ${ARRAY_SEPARATOR}`);
        return { column, path, scalar: shape.scalar, array: true, elements };
      case 'object':
        if (isLast) throw new HeaderError(`column "${column}" is an object: give its fields as columns, e.g. ${here}.<field>`);
        owner = shape.cls;
        break;
      case 'objects': {
        const index = segments[at + 1];
        if (isLast || !/^(0|[1-9]\d{0,3})$/.test(index) || at + 1 === segments.length - 1) {
          throw new HeaderError(`column "${column}": ${here} is a list: name its items' fields as ${here}.0.<field>, ${here}.1.<field>, ...`);
        }
        path.push(Number(index));
        elements.push({ arrayPath: here, index: Number(index) });
        at++;
        owner = shape.cls;
        break;
      }
    }
  }
  return { column, path, array: false, elements };
}

function convert(text: string, scalar: Scalar | undefined): { value: unknown } | { reason: string } {
  switch (scalar) {
    case 'boolean':
      if (text === 'true') return { value: true };
      if (text === 'false') return { value: false };
      return { reason: 'must be true or false' };
    case 'number':
      // Number('') is 0 and Number('0x1f') is 31: accept plain decimal notation only.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { reason: 'must be a number, e.g. 3 or 2.5' };
      return { value: Number(text) };
    default:
      return { value: text };
  }
}

/** An array of primitives from one cell; the first bad item is named by its position. */
function convertList(text: string, scalar: Scalar | undefined): { value: unknown[] } | { reason: string } {
  const items = text.split(ARRAY_SEPARATOR);
  const value: unknown[] = [];
  for (let position = 0; position < items.length; position++) {
    const converted = convert(items[position], scalar);
    if ('reason' in converted) return { reason: `item ${position + 1}: ${converted.reason}` };
    value.push(converted.value);
  }
  return { value };
}

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: any = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

/**
 * Turns CSV rows of one record kind into records. The header names each cell's place
 * (`detainee.address.postcode`, `childrenPresent.0.givenName`); the payload class's own
 * metadata says what the value is, so nothing is guessed: booleans are exactly true/false,
 * numbers parse fully, arrays of primitives are one cell split on `|`. An empty cell is an
 * absent field. A column the class does not know is kept, so the edge names it.
 */
export class CsvRowMapper {
  private readonly plans: ColumnPlan[];

  constructor(cls: ClassConstructor<object>, header: string[]) {
    const seen = new Set<string>();
    this.plans = header.map((raw) => {
      const column = raw.trim();
      if (column === '') throw new HeaderError('the header has an empty column name');
      if (seen.has(column)) throw new HeaderError(`column "${column}" appears twice in the header`);
      seen.add(column);
      return planColumn(cls, column);
    });
    // A value of a column under another column's value would be overwritten by it.
    const byPath = new Set(this.plans.map((p) => p.path.join('.')));
    for (const plan of this.plans) {
      for (let i = 1; i < plan.path.length; i++) {
        const prefix = plan.path.slice(0, i).join('.');
        if (byPath.has(prefix)) throw new HeaderError(`columns "${prefix}" and "${plan.column}" overlap`);
      }
    }
  }

  map(cells: string[]): RowResult {
    const record: Record<string, unknown> = {};
    const faults: RowFault[] = [];
    if (cells.length !== this.plans.length) {
      faults.push({ field: '', reason: `has ${cells.length} cells where the header has ${this.plans.length} columns` });
    }
    const filledElements = new Map<string, Set<number>>();
    this.plans.forEach((plan, i) => {
      const text = cells[i];
      if (text === undefined || text === '') return;
      for (const { arrayPath, index } of plan.elements) {
        if (!filledElements.has(arrayPath)) filledElements.set(arrayPath, new Set());
        filledElements.get(arrayPath)!.add(index);
      }
      const converted = plan.array ? convertList(text, plan.scalar) : convert(text, plan.scalar);
      if ('reason' in converted) faults.push({ field: plan.column, reason: converted.reason });
      else setPath(record, plan.path, converted.value);
    });
    // Every cell of an item empty means no item; a gap before a later item is a mistake,
    // not something to close up (the item numbers would stop matching the columns).
    for (const [arrayPath, filled] of filledElements) {
      const highest = Math.max(...filled);
      for (let index = 0; index < highest; index++) {
        if (!filled.has(index)) faults.push({ field: `${arrayPath}.${index}`, reason: `is empty while ${arrayPath}.${highest} is not: number the items from 0 without gaps` });
      }
    }
    return faults.length === 0 ? { ok: true, record } : { ok: false, record, faults };
  }
}

/** One NDJSON line: a JSON object, taken as it is (JSON has its own types). */
export function ndjsonRecord(line: string): RowResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, record: {}, faults: [{ field: '', reason: 'the line is not valid JSON' }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, record: {}, faults: [{ field: '', reason: 'the line must be one JSON object' }] };
  }
  return { ok: true, record: value as Record<string, unknown> };
}
