import { FieldFault } from '../api.js';
import { Child, h, replace, uid } from '../dom.js';

/**
 * A form built from a record kind's JSON schema (the edge's OpenAPI request body, $refs
 * inlined by hub-api's gateway). Every control has a label; required fields say so; the
 * schema's description and example become the hint. The form reads back into the JSON the
 * edge takes, and the edge's faults (`victim.dateOfBirth`, `childrenPresent.1.givenName`)
 * are put beside the controls they name, so nothing entered is lost on an error.
 */
export interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  example?: unknown;
  enum?: (string | number)[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** One part of the generated form: a control, or a group of them. */
interface FormNode {
  element: HTMLElement;
  /** the value for the record; undefined leaves the field out */
  value(): unknown;
  /** nothing entered (an optional group with nothing in it is left out) */
  isEmpty(): boolean;
  /** the node a dotted path below this one names; this node when the path goes no further */
  find(path: string[]): FormNode;
  showError(reason: string): void;
  clearErrors(): void;
  /** the path changed (an item above it was removed) */
  rename(path: string, label: string): void;
  /** where focus goes to fix this field */
  focusTarget(): HTMLElement | null;
}

const ACRONYMS: Record<string, string> = { nhs: 'NHS', pnc: 'PNC', urn: 'URN', dash: 'DASH', asb: 'ASB', yjs: 'YJS', oocd: 'OOCD', irs: 'IRS', id: 'ID', fei: 'FEI', uk: 'UK', la: 'LA' };
const WORDS: Record<string, string> = { ref: 'reference', refs: 'references' };

/** `dateOfBirth` → "Date of birth", `nhsNumber` → "NHS number", `incidentRef` → "Incident reference", `line1` → "Line 1". */
export function labelOf(name: string): string {
  const words = name
    .split(/(?=[A-Z])|(?<=[a-zA-Z])(?=\d)|[-_\s.]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
    .map((w) => ACRONYMS[w] ?? WORDS[w] ?? w);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An enum value as words: `derelict-building` → "Derelict building". */
export const optionLabel = (value: string | number) => labelOf(String(value).replace(/-/g, ' '));

/** "Children present" → "Child present", "Suspects" → "Suspect", "Cross references" → "Cross reference". */
function singular(label: string): string {
  const words = label.split(' ');
  const at = words.findIndex((w) => /^children$/i.test(w) || (/s$/i.test(w) && !/ss$/i.test(w)));
  if (at === -1) return label;
  words[at] = /^children$/i.test(words[at]) ? words[at].replace(/ren$/i, '') : words[at].slice(0, -1);
  return words.join(' ');
}

const exampleText = (example: unknown) => (Array.isArray(example) ? example.join(', ') : typeof example === 'object' ? '' : String(example));

/** Hint text from the schema's description and example. */
function hintOf(schema: JsonSchema, extra?: string): string | undefined {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description.charAt(0).toUpperCase() + schema.description.slice(1) + (/[.!?]$/.test(schema.description) ? '' : '.'));
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const showExample = schema.example !== undefined && schema.format !== 'date' && schema.format !== 'date-time' && schema.type !== 'boolean' && !schema.enum && !(numeric && extra);
  if (showExample && exampleText(schema.example)) parts.push(`For example, ${exampleText(schema.example)}${extra ? '.' : ''}`);
  if (extra) parts.push(extra);
  return parts.length ? parts.join(' ') : undefined;
}

const requiredMark = (required: boolean): Child => (required ? h('span', { class: 'required' }, ' (required)') : null);

/** The message slot beside a control or at the top of a group (GOV.UK's pattern: "Error:" read out, not shown). */
function errorSlot(): HTMLElement {
  return h('span', { class: 'field-error', id: uid('error'), hidden: true });
}

function setError(slot: HTMLElement, reason: string): void {
  const already = slot.hidden ? [] : [slot.dataset.reason ?? ''];
  const reasons = [...already.filter(Boolean), reason];
  slot.dataset.reason = reasons.join('; ');
  slot.replaceChildren(h('span', { class: 'visually-hidden' }, 'Error: '), reasons.join('; '));
  slot.hidden = false;
}

function clearError(slot: HTMLElement): void {
  slot.hidden = true;
  slot.replaceChildren();
  delete slot.dataset.reason;
}

/** aria-describedby of a control: its error (when shown) then its hint. */
function describe(target: HTMLElement, error: HTMLElement, hintId: string | null): void {
  const ids = [error.hidden ? null : error.id, hintId].filter(Boolean).join(' ');
  if (ids) target.setAttribute('aria-describedby', ids);
  else target.removeAttribute('aria-describedby');
}

interface Where {
  /** dotted path of the field, used as the control's name */
  path: string;
  label: string;
  required: boolean;
  /** one of a list's items: its legend is numbered, not marked required */
  item?: boolean;
}

/** One labelled control: label, hint, the message slot, the control (GOV.UK's order). */
function fieldNode(control: HTMLInputElement | HTMLSelectElement, schema: JsonSchema, where: Where, read: () => unknown, hintExtra?: string): FormNode {
  if (where.required) control.setAttribute('required', '');
  control.id = uid('field');
  const hint = hintOf(schema, hintExtra);
  const hintId = hint ? uid('hint') : null;
  const error = errorSlot();
  const label = h('label', { for: control.id }, where.label, requiredMark(where.required));
  describe(control, error, hintId);
  const node: FormNode = {
    element: h('div', { class: 'field' }, label, hint ? h('span', { class: 'hint', id: hintId }, hint) : null, error, control),
    value: read,
    isEmpty: () => control.value.trim() === '',
    find: () => node,
    showError(reason) {
      setError(error, reason);
      control.setAttribute('aria-invalid', 'true');
      describe(control, error, hintId);
    },
    clearErrors() {
      clearError(error);
      control.removeAttribute('aria-invalid');
      describe(control, error, hintId);
    },
    rename(path, text) {
      control.name = path;
      replace(label, text, requiredMark(where.required));
    },
    focusTarget: () => control,
  };
  return node;
}

/** A text, number, date, date-time or choice control. */
function scalarNode(schema: JsonSchema, where: Where): FormNode {
  if (schema.enum) {
    const select = h('select', { name: where.path }, h('option', { value: '' }, where.required ? 'Choose one' : 'Not given'), schema.enum.map((v) => h('option', { value: String(v) }, optionLabel(v))));
    const numeric = schema.type === 'number' || schema.type === 'integer';
    return fieldNode(select, schema, where, () => (select.value === '' ? undefined : numeric ? Number(select.value) : select.value));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const integer = schema.type === 'integer';
    const input = h('input', { type: 'number', name: where.path, inputmode: integer ? 'numeric' : 'decimal', step: integer ? 1 : 'any', min: schema.minimum, max: schema.maximum, class: 'short' });
    const range = schema.minimum !== undefined && schema.maximum !== undefined ? `From ${schema.minimum} to ${schema.maximum}.` : schema.minimum === 0 ? 'A whole number, 0 or more.' : undefined;
    return fieldNode(input, schema, where, () => (input.value.trim() === '' ? undefined : Number(input.value)), range);
  }
  if (schema.format === 'date') {
    const input = h('input', { type: 'date', name: where.path });
    return fieldNode(input, schema, where, () => input.value || undefined);
  }
  if (schema.format === 'date-time') {
    // the officer enters UK wall-clock time; the edge takes ISO 8601 with an offset: UTC, Z
    const input = h('input', { type: 'datetime-local', name: where.path });
    const read = () => {
      if (!input.value) return undefined;
      const at = new Date(input.value);
      return Number.isNaN(at.getTime()) ? input.value : at.toISOString().replace('.000Z', 'Z');
    };
    return fieldNode(input, schema, where, read, 'Date and time, UK time.');
  }
  const input = h('input', { type: 'text', name: where.path, spellcheck: 'false', autocomplete: 'off', size: 32 });
  return fieldNode(input, schema, where, () => (input.value.trim() === '' ? undefined : input.value.trim()));
}

/** A yes/no: a checkbox. Required: unticked is false. Optional: unticked leaves it out. */
function booleanNode(schema: JsonSchema, where: Where): FormNode {
  const box = h('input', { type: 'checkbox', name: where.path, id: uid('field') });
  const hint = hintOf(schema);
  const hintId = hint ? uid('hint') : null;
  const error = errorSlot();
  const label = h('label', { for: box.id }, where.label);
  describe(box, error, hintId);
  const node: FormNode = {
    element: h('div', { class: 'field checkbox' }, error, box, label, hint ? h('span', { class: 'hint', id: hintId }, hint) : null),
    value: () => (box.checked ? true : where.required ? false : undefined),
    isEmpty: () => !box.checked,
    find: () => node,
    showError(reason) {
      setError(error, reason);
      box.setAttribute('aria-invalid', 'true');
      describe(box, error, hintId);
    },
    clearErrors() {
      clearError(error);
      box.removeAttribute('aria-invalid');
      describe(box, error, hintId);
    },
    rename(path, text) {
      box.name = path;
      label.textContent = text;
    },
    focusTarget: () => box,
  };
  return node;
}

/** A list of values typed into one box, split on commas (the hint says so). */
function listNode(schema: JsonSchema, where: Where): FormNode {
  const numbers = schema.items?.type === 'number' || schema.items?.type === 'integer';
  const input = h('input', { type: 'text', name: where.path, spellcheck: 'false', autocomplete: 'off', size: 48 });
  const read = () => {
    const values = input.value.split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) return undefined;
    return numbers ? values.map(Number) : values;
  };
  return fieldNode(input, schema, where, read, 'Separate several with commas.');
}

/** A group of controls: a fieldset with its legend, its hint and a message slot for faults of the group itself. */
function group(legendText: string, required: boolean, schema: JsonSchema, extraHint?: string) {
  const legend = h('legend', null, legendText, requiredMark(required));
  const hint = hintOf(schema, extraHint);
  const hintId = hint ? uid('hint') : null;
  const error = errorSlot();
  const body = h('div', { class: 'group-body' });
  const fieldset = h('fieldset', null, legend, hint ? h('span', { class: 'hint', id: hintId }, hint) : null, error, body);
  describe(fieldset, error, hintId);
  return {
    fieldset,
    legend,
    body,
    showError(reason: string) {
      setError(error, reason);
      fieldset.classList.add('invalid');
      describe(fieldset, error, hintId);
    },
    clearError() {
      clearError(error);
      fieldset.classList.remove('invalid');
      describe(fieldset, error, hintId);
    },
    relabel(text: string) {
      replace(legend, text, requiredMark(required));
    },
  };
}

/** Ticks for a list of yes/no answers (DASH): as many as the form chosen beside it has questions. */
function answersNode(schema: JsonSchema, where: Where, countFrom: HTMLSelectElement | null): FormNode {
  const g = group(where.label, where.required, schema, countFrom ? 'Tick each question answered yes.' : undefined);
  const list = h('ul', { class: 'checkboxes' });
  const boxes: HTMLInputElement[] = [];
  const note = h('p', { class: 'muted' });
  let fixed = schema.maxItems ?? schema.minItems;
  const addButton = h('button', { type: 'button', class: 'secondary', onclick: () => setCount(boxes.length + 1, true) }, `Add another answer to ${where.label.toLowerCase()}`);
  const setCount = (n: number, focus = false) => {
    while (boxes.length > n) {
      boxes.pop();
      list.lastElementChild?.remove();
    }
    while (boxes.length < n) {
      const box = h('input', { type: 'checkbox', id: uid('field'), name: `${where.path}.${boxes.length}` });
      boxes.push(box);
      list.appendChild(h('li', { class: 'field checkbox' }, box, h('label', { for: box.id }, `Question ${boxes.length}`)));
    }
    note.textContent = n === 0 ? (countFrom ? `Choose the ${labelOf(countFrom.name.split('.').pop() ?? 'form').toLowerCase()} first: it says how many questions there are.` : 'No answers yet.') : '';
    note.hidden = n > 0;
    if (focus) boxes.at(-1)?.focus();
  };
  const fromSelect = () => {
    const match = countFrom?.value.match(/(\d+)$/);
    setCount(match ? Number(match[1]) : fixed ?? 0);
  };
  if (countFrom) {
    countFrom.addEventListener('change', fromSelect);
    fixed = undefined;
    fromSelect();
  } else setCount(fixed ?? schema.minItems ?? 1);
  g.body.append(note, list);
  if (!countFrom && fixed === undefined) g.body.append(addButton);
  const node: FormNode = {
    element: g.fieldset,
    value: () => (boxes.length ? boxes.map((b) => b.checked) : undefined),
    isEmpty: () => boxes.every((b) => !b.checked),
    find: () => node,
    showError: g.showError,
    clearErrors: g.clearError,
    rename: (_path, text) => g.relabel(text),
    focusTarget: () => boxes[0] ?? countFrom,
  };
  return node;
}

/** Choices from a fixed list, any number of them: a tick each. */
function choicesNode(schema: JsonSchema, where: Where): FormNode {
  const g = group(where.label, where.required, schema, 'Tick all that apply.');
  const values = schema.items?.enum ?? [];
  const boxes = values.map((v) => h('input', { type: 'checkbox', id: uid('field'), name: where.path, value: String(v) }));
  g.body.append(h('ul', { class: 'checkboxes' }, boxes.map((box, i) => h('li', { class: 'field checkbox' }, box, h('label', { for: box.id }, optionLabel(values[i]))))));
  const node: FormNode = {
    element: g.fieldset,
    value: () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      return chosen.length ? chosen : undefined;
    },
    isEmpty: () => boxes.every((b) => !b.checked),
    find: () => node,
    showError: g.showError,
    clearErrors: g.clearError,
    rename: (_path, text) => g.relabel(text),
    focusTarget: () => boxes[0] ?? null,
  };
  return node;
}

/** A list of things with fields of their own (children present, suspects): one fieldset each, added and removed. */
function itemsNode(schema: JsonSchema, where: Where): FormNode {
  const itemSchema = schema.items ?? {};
  let path = where.path;
  let itemLabel = singular(where.label);
  const g = group(where.label, where.required, schema, where.required ? undefined : `Add one for each, or none.`);
  const list = h('div', { class: 'items' });
  const items: { node: FormNode; remove: HTMLButtonElement }[] = [];
  const add = h('button', { type: 'button', class: 'secondary', onclick: () => addItem(true) });
  const addText = () => {
    add.textContent = items.length ? `Add another ${itemLabel.toLowerCase()}` : `Add a ${itemLabel.toLowerCase()}`;
  };
  const renumber = () => {
    items.forEach((item, i) => {
      item.node.rename(`${path}.${i}`, `${itemLabel} ${i + 1}`);
      item.remove.textContent = `Remove ${itemLabel.toLowerCase()} ${i + 1}`;
    });
    addText();
  };
  const addItem = (focus: boolean) => {
    const index = items.length;
    const node = objectNode(itemSchema, { path: `${path}.${index}`, label: `${itemLabel} ${index + 1}`, required: true, item: true }, false);
    const remove = h('button', { type: 'button', class: 'secondary' });
    const item = { node, remove };
    remove.addEventListener('click', () => {
      const at = items.indexOf(item);
      items.splice(at, 1);
      node.element.remove();
      renumber();
      (items[at]?.remove ?? add).focus();
    });
    node.element.appendChild(remove);
    items.push(item);
    list.appendChild(node.element);
    renumber();
    if (focus) node.focusTarget()?.focus();
  };
  if (where.required || (schema.minItems ?? 0) > 0) addItem(false);
  addText();
  g.body.append(list, add);
  const node: FormNode = {
    element: g.fieldset,
    value: () => {
      const values = items.filter((i) => !i.node.isEmpty()).map((i) => i.node.value());
      return values.length || where.required ? values : undefined;
    },
    isEmpty: () => items.every((i) => i.node.isEmpty()),
    find(rest) {
      const index = Number(rest[0]);
      if (rest.length === 0 || !Number.isInteger(index) || !items[index]) return node;
      return items[index].node.find(rest.slice(1));
    },
    showError: g.showError,
    clearErrors() {
      g.clearError();
      items.forEach((i) => i.node.clearErrors());
    },
    rename(newPath, text) {
      path = newPath;
      itemLabel = singular(text);
      g.relabel(text);
      renumber();
    },
    focusTarget: () => items[0]?.node.focusTarget() ?? add,
  };
  return node;
}

/**
 * An object: its fields in order, in a fieldset (the record itself is not one). An
 * optional object with nothing entered is left out of the record.
 */
function objectNode(schema: JsonSchema, where: Where, root: boolean): FormNode {
  const required = new Set(schema.required ?? []);
  const children = new Map<string, FormNode>();
  const g = root ? null : group(where.label, where.required && !where.item, schema, where.required ? undefined : 'Leave these empty if there is none or it is not known.');
  const container = g ? g.body : h('div');
  let selects: Record<string, HTMLSelectElement> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const child = nodeFor(property, { path: where.path ? `${where.path}.${name}` : name, label: labelOf(name), required: required.has(name) }, selects);
    const select = child.focusTarget();
    if (select instanceof HTMLSelectElement) selects = { ...selects, [name]: select };
    children.set(name, child);
    container.appendChild(child.element);
  }
  const node: FormNode = {
    element: g ? g.fieldset : container,
    value() {
      if (!root && !where.required && node.isEmpty()) return undefined;
      const out: Record<string, unknown> = {};
      for (const [name, child] of children) {
        const value = child.value();
        if (value !== undefined) out[name] = value;
      }
      return out;
    },
    isEmpty: () => [...children.values()].every((c) => c.isEmpty()),
    find(rest) {
      if (rest.length === 0) return node;
      const child = children.get(rest[0]);
      return child ? child.find(rest.slice(1)) : node;
    },
    showError: (reason) => g?.showError(reason),
    clearErrors() {
      g?.clearError();
      children.forEach((c) => c.clearErrors());
    },
    rename(path, text) {
      g?.relabel(text);
      for (const [name, child] of children) child.rename(`${path}.${name}`, labelOf(name));
    },
    focusTarget: () => [...children.values()][0]?.focusTarget() ?? null,
  };
  return node;
}

/** What kind of control a property gets. `siblings`: the choices before it in its object (a DASH form says how many answers). */
function nodeFor(schema: JsonSchema, where: Where, siblings: Record<string, HTMLSelectElement>): FormNode {
  if (schema.type === 'object' || schema.properties) return objectNode(schema, where, false);
  if (schema.type === 'array') {
    const items = schema.items ?? {};
    if (items.type === 'object' || items.properties) return itemsNode(schema, where);
    if (items.type === 'boolean') {
      const counter = Object.values(siblings).find((s) => [...s.options].some((o) => /-\d+$/.test(o.value))) ?? null;
      return answersNode(schema, where, counter);
    }
    if (items.enum) return choicesNode(schema, where);
    return listNode(schema, where);
  }
  if (schema.type === 'boolean') return booleanNode(schema, where);
  return scalarNode(schema, where);
}

export interface RecordForm {
  /** the fields, to go in a <form> */
  element: HTMLElement;
  /** the record as entered */
  value(): Record<string, unknown>;
  /** each fault beside the control its path names (or the nearest group); how many were placed */
  showFaults(faults: FieldFault[]): number;
  clearFaults(): void;
  /** the control of the first fault shown */
  firstInvalid(): HTMLElement | null;
}

export function recordForm(schema: JsonSchema): RecordForm {
  const root = objectNode(schema, { path: '', label: '', required: true }, true);
  let first: HTMLElement | null = null;
  return {
    element: root.element,
    value: () => (root.value() as Record<string, unknown>) ?? {},
    showFaults(faults) {
      let placed = 0;
      first = null;
      for (const fault of faults) {
        const path = fault.path.split('.').filter(Boolean);
        if (path.length === 0) continue;
        const target = root.find(path);
        if (target === root) continue;
        target.showError(fault.reason);
        first ??= target.focusTarget();
        placed++;
      }
      return placed;
    },
    clearFaults() {
      first = null;
      root.clearErrors();
    },
    firstInvalid: () => first,
  };
}

/**
 * The CSV header a kind's file starts with: dotted paths, a list of values in one column
 * (split on |), a list of things as numbered columns (`childrenPresent.0.givenName`).
 */
export function csvColumns(schema: JsonSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (property.type === 'object' || property.properties) out.push(...csvColumns(property, path));
    else if (property.type === 'array' && (property.items?.type === 'object' || property.items?.properties)) out.push(...csvColumns(property.items!, `${path}.0`));
    else out.push(path);
  }
  return out;
}
