/**
 * DOM building without a framework. Text always goes in as text nodes (never innerHTML),
 * so a name or an address from an agency record cannot become markup.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
export type AttrValue = string | number | boolean | null | undefined | ((event: any) => void);
export type Attrs = Record<string, AttrValue>;

/** `h('button', { class: 'secondary', onclick: () => ... }, 'Accept')` */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let ids = 0;
/** A unique id for label/aria pairings. */
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

export interface Column<T> {
  label: string;
  value: (row: T) => Child;
  numeric?: boolean;
}

/** A table with a caption and column headers, in a wrapper that scrolls on a narrow screen. */
export function dataTable<T>(caption: string, columns: Column<T>[], rows: T[], empty = 'None.'): HTMLElement {
  if (rows.length === 0) return h('div', null, h('h3', null, caption), h('p', { class: 'muted' }, empty));
  const id = uid('table');
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': id, tabindex: 0 },
    h(
      'table',
      null,
      h('caption', { id }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
      h('tbody', null, rows.map((row) => h('tr', null, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.value(row)))))),
    ),
  );
}

/** A labelled form field: label, optional hint, the control, and where its error goes. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid();
  const parts: Child[] = [h('label', { for: control.id }, label)];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('span', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, parts, control);
}

/** A select from [value, label] pairs. */
export function select(name: string, options: [string, string][], selected?: string): HTMLSelectElement {
  return h('select', { name }, options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}

export function tag(text: string, colour: 'red' | 'green' | 'blue' | 'yellow' | 'grey' = 'grey'): HTMLElement {
  return h('span', { class: `tag ${colour === 'grey' ? '' : colour}`.trim() }, text);
}

/** Summary cards: a big number with its label. */
export function cards(items: [string, Child][]): HTMLElement {
  return h('ul', { class: 'cards' }, items.map(([label, value]) => h('li', { class: 'card' }, h('span', { class: 'value' }, value), label)));
}

/** A definition list of label → value. */
export function summaryList(items: [string, Child][]): HTMLElement {
  return h('dl', { class: 'summary-list' }, items.map(([label, value]) => [h('dt', null, label), h('dd', null, value ?? '—')]));
}

const UK = 'Europe/London';
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: UK, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: UK, day: 'numeric', month: 'short', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: UK, hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Times as people in Cleveland read them: UK wall clock. */
export const fmt = {
  dateTime: (iso: string | null | undefined) => (iso ? dateTimeFormat.format(new Date(iso)) : '—'),
  time: (iso: string) => timeFormat.format(new Date(iso)),
  date: (iso: string | null | undefined) => (iso ? dateFormat.format(new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)) : '—'),
  number: (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-GB')),
  /** "3 h 05 min", "2 d 4 h" */
  duration(ms: number): string {
    const minutes = Math.max(0, Math.floor(ms / 60_000));
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    if (days > 0) return `${days} d ${hours} h`;
    return `${hours} h ${String(mins).padStart(2, '0')} min`;
  },
};

/** Saves a Blob (a PDF, a CSV) under a file name, as the browser's download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, class: 'visually-hidden' });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
