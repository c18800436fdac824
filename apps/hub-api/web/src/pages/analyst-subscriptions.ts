import { ApiError, errorSummary } from '../api.js';
import { Child, fmt, h, replace, tag, uid } from '../dom.js';
import { heading, link, Page, PageContext } from '../page.js';

const PURPOSE = 'analytics.depersonalised';
/** how many of a feed's newest items the page shows */
const LATEST = 20;
/** a pull's page size (the hub's most) */
const PAGE = 1000;

type Delivery = 'kafka' | 'sse' | 'webhook';

interface Subscription {
  id: string;
  name: string;
  purpose: string;
  eventTypes: string[];
  area: 'ward' | 'outward-postcode';
  period: 'month' | 'week';
  delivery: Delivery;
  kafkaTopic?: string;
  streamPath?: string;
  webhookUrl?: string;
  backfillFrom: string | null;
  status: 'active' | 'paused' | 'cancelled';
  statusReason: string | null;
  createdAt: string;
  items: number;
  lastItemId: string | null;
  webhook?: { deliveredUpTo: string; attempts: number; nextAttemptAt: string | null; lastError: string | null };
}

interface FeedItem {
  id: string;
  record: string;
  eventType: string;
  agency: string;
  kind: string;
  category: string | null;
  period: string;
  area: { ward?: string | null; outwardPostcode?: string | null };
  fields: Record<string, unknown>;
  people: { pseudonym: string; role: string; ageBand: string }[];
}

/** The agency record event types the agreement gives analysts (deploy/isa/shp-isa.yaml), by agency. */
const EVENT_TYPES: [string, [string, string][]][] = [
  [
    'Police',
    [
      ['uk.shp.police.crime.recorded.v1', 'Recorded crimes'],
      ['uk.shp.police.crime-outcome.recorded.v1', 'Crime outcomes'],
      ['uk.shp.police.asb-incident.recorded.v1', 'ASB incidents (police)'],
      ['uk.shp.police.domestic-incident.recorded.v1', 'Domestic abuse incidents'],
      ['uk.shp.police.custody-entry.recorded.v1', 'Custody entries'],
      ['uk.shp.police.custody-release.recorded.v1', 'Custody releases'],
    ],
  ],
  [
    'Fire brigade',
    [
      ['uk.shp.fire.deliberate-fire.recorded.v1', 'Deliberate fires'],
      ['uk.shp.fire.fire-setter-referral.recorded.v1', 'Fire-setter referrals'],
    ],
  ],
  [
    'Housing',
    [
      ['uk.shp.housing.asb-report.recorded.v1', 'ASB reports (landlord)'],
      ['uk.shp.housing.enforcement-action.recorded.v1', 'Enforcement actions'],
      ['uk.shp.housing.da-disclosure.recorded.v1', 'Domestic abuse disclosures'],
      ['uk.shp.housing.target-hardening.recorded.v1', 'Target hardening'],
    ],
  ],
  [
    'Drug and alcohol treatment',
    [
      ['uk.shp.treatment.referral.recorded.v1', 'Treatment referrals'],
      ['uk.shp.treatment.episode-start.recorded.v1', 'Treatment episodes started'],
      ['uk.shp.treatment.episode-exit.recorded.v1', 'Treatment episodes ended'],
      ['uk.shp.treatment.drug-test-on-arrest.recorded.v1', 'Drug tests on arrest'],
      ['uk.shp.treatment.continuity-of-care.recorded.v1', 'Continuity of care after prison'],
    ],
  ],
  [
    'Youth justice',
    [
      ['uk.shp.youth-justice.yjs-referral.recorded.v1', 'YJS referrals'],
      ['uk.shp.youth-justice.yjs-case-closure.recorded.v1', 'YJS case closures'],
      ['uk.shp.youth-justice.oocd-decision.recorded.v1', 'Out-of-court disposal decisions'],
      ['uk.shp.youth-justice.first-time-entrant.recorded.v1', 'First-time entrants'],
    ],
  ],
];
const TYPE_NAMES = new Map(EVENT_TYPES.flatMap(([, types]) => types));
const typeName = (eventType: string) => TYPE_NAMES.get(eventType) ?? eventType;

const AREA_NAMES = { ward: 'Ward', 'outward-postcode': 'Outward postcode' };
const PERIOD_NAMES = { month: 'UK calendar month', week: 'ISO week' };
const DELIVERY_NAMES: Record<Delivery, string> = { kafka: 'Kafka topic', sse: 'Server-sent events', webhook: 'Signed webhook' };

const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
function fieldsText(fields: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([key, value]) => {
    const label = prefix ? `${prefix} ${words(key)}` : words(key);
    if (value === null || value === undefined || value === '') return [];
    if (typeof value === 'object' && !Array.isArray(value)) return fieldsText(value as Record<string, unknown>, label);
    return [`${label}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)}`];
  });
}

/** The item's fields less those that only repeat its period or category, already in their own columns. */
const shownFields = (item: FeedItem) => Object.fromEntries(Object.entries(item.fields).filter(([key, value]) => value !== item.period && !(key === 'category' && value === item.category)));

/** A labelled radio group. */
function radios(legend: string, name: string, options: [string, string, string?][], checked: string, hint?: string): { fieldset: HTMLFieldSetElement; value: () => string; inputs: HTMLInputElement[] } {
  const inputs = options.map(([value]) => h('input', { type: 'radio', name, value, id: uid(name), checked: value === checked }));
  const hintId = hint ? uid('hint') : null;
  const fieldset = h(
    'fieldset',
    { 'data-field': name, 'aria-describedby': hintId },
    h('legend', null, legend),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    options.map(([, label, more], i) => h('div', { class: 'choice' }, inputs[i], h('label', { for: inputs[i].id }, label, more ? h('span', { class: 'muted' }, ` (${more})`) : null))),
  );
  return { fieldset, inputs, value: () => inputs.find((i) => i.checked)?.value ?? '' };
}

/**
 * The analyst's feed subscriptions: the list with item counts and delivery state, a form to
 * subscribe (record types, ward or outward postcode, month or week, Kafka, server-sent events
 * or a signed webhook, an optional backfill date), the webhook secret shown once, the
 * newest items of a feed as a pull, and cancelling with a confirmation in the page.
 */
async function renderSubscriptions(ctx: PageContext): Promise<Node> {
  const messages = h('div');
  const listSlot = h('div');
  const confirmSlot = h('div');
  const itemsSlot = h('div');
  let subscriptions: Subscription[] = [];

  const say = (node: HTMLElement) => {
    replace(messages, node);
    node.setAttribute('tabindex', '-1');
    node.focus();
  };
  const fail = (error: unknown) => say(errorSummary(error));

  // ---- the list
  const deliveryCell = (s: Subscription): Child => {
    if (s.delivery === 'kafka') return [DELIVERY_NAMES.kafka, h('br'), h('code', null, s.kafkaTopic ?? '')];
    if (s.delivery === 'sse') return [DELIVERY_NAMES.sse, h('br'), h('code', null, s.streamPath ?? ''), h('br'), h('span', { class: 'muted' }, 'or pull the items here')];
    const w = s.webhook;
    return [
      DELIVERY_NAMES.webhook,
      h('br'),
      h('code', null, s.webhookUrl ?? ''),
      w ? [h('br'), `Delivered up to item ${w.deliveredUpTo}`, w.attempts ? `; ${w.attempts} failed attempt${w.attempts === 1 ? '' : 's'}` : '', w.nextAttemptAt ? `; next try ${fmt.dateTime(w.nextAttemptAt)}` : ''] : null,
      w?.lastError ? [h('br'), tag(`Last error: ${w.lastError}`, 'red')] : null,
    ];
  };
  const statusCell = (s: Subscription): Child => {
    if (s.status === 'active') return tag('Active', 'green');
    if (s.status === 'paused') return [tag('Paused', 'yellow'), s.statusReason ? [h('br'), s.statusReason] : null];
    return tag('Cancelled', 'grey');
  };

  const drawList = () => {
    if (subscriptions.length === 0) {
      replace(listSlot, h('p', { class: 'muted' }, 'You have no subscriptions yet.'));
      return;
    }
    const columns = ['Name', 'Records', 'Area and period', 'Delivery', 'Status', 'Items', 'Created', 'Actions'];
    replace(
      listSlot,
      h(
        'div',
        { class: 'table-wrap', role: 'region', 'aria-labelledby': 'subscriptions-caption', tabindex: 0 },
        h(
          'table',
          null,
          h('caption', { id: 'subscriptions-caption' }, 'Subscriptions you registered, oldest first'),
          h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c === 'Items' ? 'num' : null }, c)))),
          h(
            'tbody',
            null,
            subscriptions.map((s) =>
              h(
                'tr',
                { 'data-subscription': s.id },
                h('th', { scope: 'row' }, s.name),
                h('td', null, s.eventTypes.map(typeName).join(', ')),
                h('td', null, `${AREA_NAMES[s.area]}, ${PERIOD_NAMES[s.period]}`, s.backfillFrom ? [h('br'), `from ${fmt.date(s.backfillFrom)}`] : [h('br'), 'from registration']),
                h('td', null, deliveryCell(s)),
                h('td', null, statusCell(s)),
                h('td', { class: 'num' }, fmt.number(s.items)),
                h('td', null, fmt.dateTime(s.createdAt)),
                h(
                  'td',
                  null,
                  h('button', { type: 'button', class: 'secondary', 'aria-label': `Show latest items of ${s.name}`, onclick: () => void openItems(s) }, 'Show latest items'),
                  s.status !== 'cancelled'
                    ? h('button', { type: 'button', class: 'warning', 'data-cancel': s.id, 'aria-label': `Cancel ${s.name}`, onclick: () => askCancel(s) }, 'Cancel')
                    : null,
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const loadList = async () => {
    subscriptions = (await ctx.api.get<{ subscriptions: Subscription[] }>('/api/analytics/subscriptions', PURPOSE)).subscriptions;
    drawList();
  };

  // ---- cancelling, confirmed in the page
  const askCancel = (s: Subscription) => {
    const title = h('h2', { tabindex: -1, id: 'confirm-cancel-heading' }, `Cancel “${s.name}”?`);
    const keep = () => {
      confirmSlot.replaceChildren();
      listSlot.querySelector<HTMLElement>(`[data-cancel="${s.id}"]`)?.focus();
    };
    replace(
      confirmSlot,
      h(
        'section',
        { class: 'notice warning', 'aria-labelledby': title.id },
        title,
        h('p', null, 'No more items will be added to this feed and its stream ends', s.delivery === 'webhook' ? '; the webhook receives nothing more' : '', '. This cannot be undone: to receive the records again, create a new subscription (it has new pseudonyms).'),
        h(
          'button',
          {
            type: 'button',
            class: 'warning',
            onclick: async () => {
              try {
                await ctx.api.delete<Subscription>(`/api/analytics/subscriptions/${encodeURIComponent(s.id)}`, PURPOSE);
                confirmSlot.replaceChildren();
                await loadList();
                say(h('div', { class: 'notice success', role: 'status' }, h('p', null, h('strong', null, `“${s.name}” is cancelled.`), ' It receives no more items; the items it has are still listed.')));
                ctx.announce(`${s.name} cancelled`);
              } catch (error) {
                fail(error);
              }
            },
          },
          'Yes, cancel the subscription',
        ),
        h('button', { type: 'button', class: 'secondary', onclick: keep }, 'No, keep it'),
      ),
    );
    title.focus();
  };

  // ---- the newest items of a feed (a pull of GET …/items?after=)
  const pull = async (s: Subscription, after: string): Promise<FeedItem[]> => {
    const all: FeedItem[] = [];
    let from = after;
    for (let pages = 0; pages < 50; pages++) {
      const { items } = await ctx.api.get<{ items: FeedItem[] }>(`/api/analytics/subscriptions/${encodeURIComponent(s.id)}/items?after=${from}&limit=${PAGE}`, PURPOSE);
      all.push(...items);
      // only the newest are shown: keep a little more than needed while paging on
      if (all.length > LATEST * 2) all.splice(0, all.length - LATEST);
      if (items.length < PAGE) break;
      from = items[items.length - 1].id;
    }
    return all;
  };

  const openItems = async (s: Subscription) => {
    let shown: FeedItem[] = [];
    let lastId = '0';
    const title = h('h2', { tabindex: -1, id: 'items-heading' }, `Latest items: ${s.name}`);
    const status = h('p', { role: 'status' });
    const tableSlot = h('div');
    const drawItems = () => {
      const caption = `The ${shown.length === 1 ? 'newest item' : `${shown.length} newest items`} of “${s.name}”, newest first`;
      if (shown.length === 0) {
        replace(tableSlot, h('p', { class: 'muted' }, 'No items yet. The hub adds them as records arrive (with a backfill date, those it already holds first): check again in a moment.'));
        return;
      }
      const columns = ['Item', 'Period', s.area === 'ward' ? 'Ward' : 'Outward postcode', 'Record', 'Category', 'Fields', 'People'];
      replace(
        tableSlot,
        h(
          'div',
          { class: 'table-wrap', role: 'region', 'aria-labelledby': 'items-caption', tabindex: 0 },
          h(
            'table',
            null,
            h('caption', { id: 'items-caption' }, caption),
            h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              null,
              shown.map((item) =>
                h(
                  'tr',
                  { 'data-item': item.id },
                  h('th', { scope: 'row' }, item.id),
                  h('td', null, item.period),
                  h('td', null, (s.area === 'ward' ? item.area.ward : item.area.outwardPostcode) ?? 'not recorded'),
                  h('td', null, typeName(item.eventType)),
                  h('td', null, item.category ?? '—'),
                  h('td', null, fieldsText(shownFields(item)).join('; ') || '—'),
                  h('td', null, item.people.length ? item.people.map((p) => `${p.role} (${p.ageBand})`).join(', ') : 'none'),
                ),
              ),
            ),
          ),
        ),
      );
    };
    const refresh = async (first: boolean) => {
      try {
        const items = await pull(s, lastId);
        if (items.length) lastId = items[items.length - 1].id;
        shown = [...items.reverse(), ...shown].slice(0, LATEST);
        drawItems();
        // the list's item counts move on too
        if (items.length) await loadList();
        status.textContent = first
          ? `${items.length === 0 ? 'No items yet' : `Showing the newest ${shown.length}`}; checked ${fmt.dateTime(new Date().toISOString())}.`
          : `${items.length === 0 ? 'No new items' : `${items.length} new item${items.length === 1 ? '' : 's'}`}; checked ${fmt.dateTime(new Date().toISOString())}.`;
      } catch (error) {
        fail(error);
      }
    };
    replace(
      itemsSlot,
      h(
        'section',
        { 'aria-labelledby': title.id, 'data-items-of': s.id },
        title,
        h('p', null, 'Depersonalised as delivered: the period (month or week), the ward or outward postcode, the agreed fields, and each person only as a role and an age band (their pseudonym stays in the feed).'),
        h('button', { type: 'button', class: 'secondary', onclick: () => void refresh(false) }, 'Check for new items'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { itemsSlot.replaceChildren(); listSlot.querySelector<HTMLElement>(`[data-subscription="${s.id}"] button`)?.focus(); } }, 'Close the items'),
        status,
        tableSlot,
      ),
    );
    await refresh(true);
    title.focus();
  };

  // ---- subscribing
  const name = h('input', { type: 'text', name: 'name', id: 'subscription-name', maxlength: 100, autocomplete: 'off' });
  const typeBoxes: HTMLInputElement[] = [];
  const typesHint = h('span', { class: 'hint', id: uid('hint') }, 'Choose one or more. The hub checks each against the information-sharing agreement for analysts.');
  const typesFieldset = h(
    'fieldset',
    { 'data-field': 'eventTypes', 'aria-describedby': typesHint.id },
    h('legend', null, 'Record types'),
    typesHint,
    h(
      'div',
      { class: 'record-types' },
      EVENT_TYPES.map(([agency, types]) => {
        const groupId = uid('agency');
        return h(
          'div',
          { role: 'group', 'aria-labelledby': groupId },
          h('p', { class: 'label', id: groupId }, h('strong', null, agency)),
          types.map(([value, label]) => {
            const box = h('input', { type: 'checkbox', name: 'eventTypes', value, id: uid('type') });
            typeBoxes.push(box);
            return h('div', { class: 'choice' }, box, h('label', { for: box.id }, label));
          }),
        );
      }),
    ),
  );
  const area = radios('Place', 'area', [['ward', 'Ward'], ['outward-postcode', 'Outward postcode', 'e.g. TS24; never the full postcode']], 'ward');
  const period = radios('Time', 'period', [['month', 'UK calendar month'], ['week', 'ISO week']], 'month', 'Every date in a record becomes its month or week.');
  const delivery = radios(
    'Delivery',
    'delivery',
    [
      ['sse', 'Server-sent events', 'a stream your tool reads; you can also pull the items on this page'],
      ['kafka', 'Kafka topic', 'a topic of its own for your BI tool'],
      ['webhook', 'Signed webhook', 'the hub POSTs batches to your URL, signed with a secret'],
    ],
    'sse',
  );
  const webhookUrl = h('input', { type: 'url', name: 'webhookUrl', id: 'webhook-url', autocomplete: 'off', spellcheck: 'false' });
  const webhookHint = h('span', { class: 'hint', id: uid('hint') }, 'Where the hub POSTs the items: an https address of your receiving system.');
  webhookUrl.setAttribute('aria-describedby', webhookHint.id);
  const webhookField = h('div', { class: 'field', 'data-field': 'webhookUrl' }, h('label', { for: webhookUrl.id }, 'Webhook URL'), webhookHint, webhookUrl);
  const syncDelivery = () => (webhookField.hidden = delivery.value() !== 'webhook');
  delivery.inputs.forEach((i) => i.addEventListener('change', syncDelivery));
  syncDelivery();
  const backfill = h('input', { type: 'date', name: 'backfillFrom', id: 'backfill-from' });
  const backfillHint = h(
    'span',
    { class: 'hint', id: uid('hint') },
    'Optional. Records that happened from this UK date: those the hub holds now, then the rest as they arrive. Leave it empty to receive every record that arrives from now, whatever its date.',
  );
  backfill.setAttribute('aria-describedby', backfillHint.id);
  const backfillField = h('div', { class: 'field', 'data-field': 'backfillFrom' }, h('label', { for: backfill.id }, 'Backfill from'), backfillHint, backfill);
  const nameField = h('div', { class: 'field', 'data-field': 'name' }, h('label', { for: name.id }, 'Name'), h('span', { class: 'hint', id: 'subscription-name-hint' }, 'So you know it again, e.g. “SVD needs assessment: fires by ward”.'), name);
  name.setAttribute('aria-describedby', 'subscription-name-hint');
  const formProblems = h('div');

  /** Each bad field marked where it is, beside the summary at the top of the form. */
  const markFields = (error: unknown) => {
    const form = formProblems.parentElement!;
    form.querySelectorAll('.field-error').forEach((e) => e.remove());
    form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    if (!(error instanceof ApiError)) return;
    for (const fault of error.fields) {
      const key = fault.path.split('.')[0];
      const holder = form.querySelector<HTMLElement>(`[data-field="${key}"]`);
      if (!holder) continue;
      const id = uid('error');
      const message = h('span', { class: 'field-error', id }, h('span', { class: 'visually-hidden' }, 'Error: '), fault.reason);
      const anchor = holder.querySelector('legend') ?? holder.querySelector('label');
      anchor?.after(message);
      const control = holder.matches('fieldset') ? holder : holder.querySelector('input');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', [id, control.getAttribute('aria-describedby')].filter(Boolean).join(' '));
      }
    }
  };

  const created = (s: Subscription, secret: string | undefined): HTMLElement => {
    const parts: Child[] = [h('h2', null, `Subscription “${s.name}” created`)];
    if (s.delivery === 'kafka') parts.push(h('p', null, 'Your BI tool reads the Kafka topic ', h('code', null, s.kafkaTopic ?? ''), '.'));
    if (s.delivery === 'sse') parts.push(h('p', null, 'Stream it from ', h('code', null, s.streamPath ?? ''), ' (with your token and X-Purpose: analytics.depersonalised; resume with Last-Event-ID), or pull its items below.'));
    let secretNotice: HTMLElement | null = null;
    if (secret) {
      const secretInput = h('input', { type: 'text', readonly: true, id: 'webhook-secret', class: 'secret', value: secret, spellcheck: 'false', autocomplete: 'off' });
      const copied = h('span', { role: 'status', class: 'muted' });
      secretNotice = h(
        'div',
        { class: 'notice warning', 'data-secret-notice': '' },
        h('h3', null, 'Copy the webhook signing secret now: it is shown only this once'),
        h('p', null, 'The hub keeps it to sign each POST but will not show it again, here or anywhere. Store it in your receiving system now. If it is lost, cancel this subscription and create another.'),
        h('div', { class: 'field' }, h('label', { for: secretInput.id }, `Webhook signing secret for “${s.name}”`), secretInput),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(secret);
                copied.textContent = 'Copied.';
              } catch {
                secretInput.select();
                copied.textContent = 'Selected: copy it with your keyboard (Ctrl+C).';
              }
            },
          },
          'Copy the secret',
        ),
        copied,
        h('p', null, 'Each POST carries X-Hub-Timestamp and X-Hub-Signature-256: sha256=HMAC-SHA-256(secret, "<timestamp>.<body>"). Check it, and refuse timestamps more than 5 minutes off.'),
        h('button', { type: 'button', class: 'secondary', onclick: () => messages.replaceChildren() }, 'I have stored the secret'),
      );
    }
    const headingId = uid('created');
    (parts[0] as HTMLElement).id = headingId;
    return h('section', { 'aria-labelledby': headingId }, h('div', { class: 'notice success', role: 'status' }, parts), secretNotice);
  };

  const form: HTMLFormElement = h(
    'form',
    {
      'aria-labelledby': 'new-subscription-heading',
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const body = {
          name: name.value.trim(),
          eventTypes: typeBoxes.filter((b) => b.checked).map((b) => b.value),
          area: area.value(),
          period: period.value(),
          delivery: delivery.value(),
          ...(delivery.value() === 'webhook' ? { webhookUrl: webhookUrl.value.trim() } : {}),
          ...(backfill.value ? { backfillFrom: backfill.value } : {}),
        };
        try {
          const res = await ctx.api.post<{ subscription: Subscription; webhookSecret?: string }>('/api/analytics/subscriptions', PURPOSE, body);
          formProblems.replaceChildren();
          markFields(null);
          form.reset();
          syncDelivery();
          await loadList();
          say(created(res.subscription, res.webhookSecret));
          ctx.announce(`Subscription ${res.subscription.name} created`);
        } catch (error) {
          const summary = errorSummary(error);
          formProblems.replaceChildren(summary);
          markFields(error);
          summary.focus();
        }
      },
    },
    formProblems,
    nameField,
    typesFieldset,
    h('div', { class: 'inline-fields' }, area.fieldset, period.fieldset),
    delivery.fieldset,
    webhookField,
    backfillField,
    h('button', { type: 'submit' }, 'Create subscription'),
  );

  await loadList();
  return h(
    'div',
    null,
    heading(
      'Feed subscriptions',
      PURPOSE,
      'Depersonalised feeds of agency records as they arrive: no names, addresses or references; a pseudonym per subscription, the age band, the ward or outward postcode, the month or week.',
    ),
    h('p', null, 'For counts by year, ward or month, see the ', link('/analyst', 'indicators'), '.'),
    messages,
    h('h2', null, 'Your subscriptions'),
    listSlot,
    confirmSlot,
    itemsSlot,
    h('h2', { id: 'new-subscription-heading' }, 'New subscription'),
    form,
  );
}

export const subscriptionsPage: Page = {
  path: '/analyst/subscriptions',
  title: 'Feed subscriptions',
  nav: 'Feed subscriptions',
  roles: ['analyst'],
  purpose: PURPOSE,
  render: renderSubscriptions,
};
