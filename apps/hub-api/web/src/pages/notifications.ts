import { errorSummary } from '../api.js';
import { Child, fmt, h, summaryList, tag } from '../dom.js';
import { heading, Page, PageContext } from '../page.js';

interface Notification {
  id: string;
  kind: string;
  purpose: string;
  subjectId: string | null;
  createdAt: string;
  workItemStatus?: string;
  action?: { description?: string; owner?: string; dueBy?: string };
  dueBy?: string;
  acknowledgement: { at: string; by: { name: string } } | null;
  records: { agency: string; kind: string; tier: 'fields' | 'signpost'; record?: Record<string, unknown> }[];
  withheld: number;
}

/** Which purpose a role reads its notifications under (the agreement's routes, notifications.service.ts). */
const PURPOSE_OF_ROLE: [string, string][] = [
  ['school-safeguarding-lead', 'safeguarding.school-notification'],
  ['marac-member', 'marac.risk-management'],
  ['agency-officer', 'community-trigger.case-review'],
];

const KINDS: Record<string, string> = {
  encompass: 'Operation Encompass: a child at your school was at a domestic abuse incident',
  'joint-visit': 'Joint visit',
  'serial-perpetrator': 'Serial perpetrator',
  'community-trigger': 'Community Trigger case review',
  'marac-action-overdue': 'MARAC action overdue',
};

/** A record as label/value pairs, nested fields as `victim › given name`, lists numbered. */
function flatten(value: unknown, label: string, out: [string, Child][]): void {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'boolean')) out.push([label, `${value.filter(Boolean).length} of ${value.length} ticked`]);
    else if (value.every((v) => typeof v !== 'object')) out.push([label, value.join(', ')]);
    else value.forEach((v, i) => flatten(v, `${label} ${i + 1}`, out));
  } else if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) flatten(inner, label ? `${label} › ${words(key)}` : words(key), out);
  } else {
    const text = String(value);
    out.push([label, /^\d{4}-\d{2}-\d{2}T/.test(text) ? fmt.dateTime(text) : typeof value === 'boolean' ? (value ? 'yes' : 'no') : text]);
  }
}

const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * Notifications addressed to the reader's role (and team or school): a school's
 * safeguarding lead is told of a child at a domestic abuse incident, MARAC members of joint
 * visits, community safety officers of Community Trigger reviews. Each record shows only
 * what the agreement gives this reader now; acknowledging records who and when.
 */
async function render(ctx: PageContext): Promise<Node> {
  const purpose = PURPOSE_OF_ROLE.find(([role]) => ctx.session.has(role))![1];
  const list = await ctx.api.get<Notification[]>('/api/notifications', purpose);
  const problems = h('div');
  const acknowledge = async (n: Notification) => {
    try {
      await ctx.api.post(`/api/notifications/${n.id}/acknowledge`, purpose);
      ctx.announce('Acknowledged');
      ctx.refresh();
    } catch (error) {
      problems.replaceChildren(errorSummary(error));
    }
  };
  const item = (n: Notification) => {
    const fields: [string, Child][] = [['Received', fmt.dateTime(n.createdAt)]];
    if (n.dueBy) fields.push(['Act by', fmt.dateTime(n.dueBy)]);
    if (n.action?.description) fields.push(['Action', n.action.description]);
    const records = n.records.map((r) => {
      const rows: [string, Child][] = [];
      if (r.record) flatten(r.record, '', rows);
      return h('div', null, h('h4', null, `${r.agency}: ${words(r.kind)}`), r.tier === 'signpost' ? h('p', null, `${r.agency} holds a record: ask them (signpost only).`) : summaryList(rows));
    });
    return h(
      'li',
      { class: 'card' },
      h('h3', null, KINDS[n.kind.replace(/^work-item\./, '')] ?? words(n.kind), ' ', n.acknowledgement ? tag('Acknowledged', 'green') : tag('New', 'yellow')),
      summaryList(fields),
      records,
      n.withheld > 0 ? h('p', { class: 'muted' }, `${n.withheld} record(s) of this notification are not shared with you.`) : null,
      n.acknowledgement
        ? h('p', null, `Acknowledged by ${n.acknowledgement.by.name}, ${fmt.dateTime(n.acknowledgement.at)}.`)
        : h('button', { type: 'button', onclick: () => void acknowledge(n) }, 'Acknowledge'),
    );
  };
  return h(
    'div',
    null,
    heading('Notifications', purpose, 'What the hub has told you, newest first. Acknowledge each once you have it in hand.'),
    problems,
    list.length === 0 ? h('p', null, 'No notifications for you.') : h('ul', { class: 'notification-list' }, list.map(item)),
  );
}

export const notificationPages: Page[] = [
  { path: '/notifications', title: 'Notifications', nav: 'Notifications', roles: PURPOSE_OF_ROLE.map(([role]) => role), purpose: '', render },
];
