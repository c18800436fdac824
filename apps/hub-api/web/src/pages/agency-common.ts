import { h, select, uid } from '../dom.js';
import { PageContext } from '../page.js';
import { JsonSchema } from './agency-form.js';

/**
 * The X-Purpose of the agency officer's pages. The gateway's routes serve any purpose the
 * agreement lets an agency officer use (`*`): sending the agency's own records to its edge
 * reads nothing about anyone. deploy/isa/shp-isa.yaml gives agency officers two purposes:
 * the Community Trigger case review, which officers of every agency take part in, and the
 * police Encompass officers' school notifications. The calls state the first, a fixed
 * choice; the pages do not show it as their purpose, since they read about no one.
 */
export const PURPOSE = 'community-trigger.case-review';

export const AGENCY_NAMES: Record<string, string> = {
  police: 'Cleveland Police',
  fire: 'Cleveland Fire Brigade',
  housing: 'Thirteen (housing)',
  treatment: 'START (treatment)',
  'youth-justice': 'Youth Justice Services',
};

/** One record kind of the officer's agency, as the gateway describes it. */
export interface KindView {
  kind: string;
  path: string;
  pathParams: string[];
  eventType: string;
  title: string;
  description: string;
  refField: string;
  parent: { kind: string; refField: string } | null;
  schema: JsonSchema;
}

export const agencyName = (agency: string) => AGENCY_NAMES[agency] ?? agency;

/** "deliberate fires" → "Deliberate fire" */
export function kindName(kind: KindView): string {
  const words = kind.title.split(' ');
  const last = words.length - 1;
  if (/ies$/.test(words[last])) words[last] = words[last].replace(/ies$/, 'y');
  else if (/(ches|shes|sses|xes)$/.test(words[last])) words[last] = words[last].replace(/es$/, '');
  else if (/s$/.test(words[last]) && !/ss$/.test(words[last])) words[last] = words[last].slice(0, -1);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function loadKinds(ctx: PageContext): Promise<KindView[]> {
  return ctx.api.get<KindView[]>(`/api/agencies/${encodeURIComponent(ctx.user.agency)}/kinds`, PURPOSE);
}

/** The kind named in `?kind=`, else the first. */
export function initialKind(ctx: PageContext, kinds: KindView[]): KindView {
  return kinds.find((k) => k.kind === ctx.query.get('kind')) ?? kinds[0];
}

/**
 * The record kind select. Choosing one rebuilds what follows it (no change of page) and
 * notes the kind in the address, without a reload, so going back or reloading keeps it.
 */
export function kindSelect(kinds: KindView[], chosen: KindView, path: string, onChoose: (kind: KindView) => void): HTMLElement {
  const choice = select('kind', kinds.map((k) => [k.kind, kindName(k)]), chosen.kind);
  choice.id = uid('kind');
  const hintId = uid('hint');
  choice.setAttribute('aria-describedby', hintId);
  choice.addEventListener('change', () => {
    const kind = kinds.find((k) => k.kind === choice.value);
    if (!kind) return;
    history.replaceState(null, '', `#${path}?kind=${encodeURIComponent(kind.kind)}`);
    onChoose(kind);
  });
  return h('div', { class: 'field' }, h('label', { for: choice.id }, 'Record kind'), h('span', { class: 'hint', id: hintId }, 'The kinds of record your agency sends to the hub.'), choice);
}
