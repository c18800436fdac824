import { errorSummary } from '../api.js';
import { cards, Child, fmt, h, replace, select, tag } from '../dom.js';
import { heading, Page, PageContext } from '../page.js';
import { heldCell, keepTimeHeldTicking } from './time-held.js';

const PURPOSE = 'custody.yjs-notification';
/** how often the inbox asks again; the time held ticks on between asks */
const POLL_MS = 5_000;
const INBOX = '/api/agencies/youth-justice/notifications';

/** One entry of the team's inbox (youth-justice edge, through hub-api): refs only. */
interface InboxEntry {
  id: string;
  custodyRef: string;
  subjectId: string;
  team: string;
  arrivedAt: string;
  childBasis: string;
  ageAtArrival: number | null;
  appropriateAdultRequired: boolean;
  receivedAt: string;
  acknowledged: { at: string; by: { sub: string; name: string } } | null;
  escalatedAt: string | null;
  released: { at: string; outcome: string } | null;
}

/** The child's details as hub-api releases them to this officer (GET /api/custody/notifications/:id, audited). */
interface Episode {
  notificationId: string;
  custodyRef: string;
  child: { suite?: string; offence?: string; detainee?: { givenName?: string; familyName?: string; dateOfBirth?: string } } | null;
  appropriateAdult: { required: boolean; status: string | null; updatedBy: string | null };
  consolidated: { openToYjs: { team?: string; since?: string } | null; knownRisks: string[]; signposts: string[] } | null;
  withheld?: string;
}

interface Details {
  episode: Episode | null;
  problem: string | null;
  /** the inbox entry it was read for: read again when that changes */
  for: string;
}

const FILTERS: [string, string][] = [
  ['all', 'All notifications'],
  ['unacknowledged', 'Not yet acknowledged'],
  ['acknowledged', 'Acknowledged'],
  ['escalated', 'Escalated to managers'],
];

const AA_STATUS: Record<string, string> = {
  requested: 'Requested',
  present: 'Present',
  'navigator-acting': 'Custody navigator acting',
  'not-required': 'Not required',
};

const TEAMS: Record<string, string> = { hartlepool: 'Hartlepool YJS', stockton: 'Stockton YJS', 'south-tees': 'South Tees YJS' };

const words = (text: string) => text.replace(/-/g, ' ');

function childName(n: InboxEntry, d: Details | undefined): string {
  const person = d?.episode?.child?.detainee;
  if (person?.givenName || person?.familyName) return `${person.givenName ?? ''} ${person.familyName ?? ''}`.trim();
  return `Child in custody record ${n.custodyRef}`;
}

/**
 * A YJS team's custody inbox: the children of the team's area booked into police custody,
 * newest first. The inbox (the youth-justice edge, through hub-api) holds refs only; each
 * child's name, age and the custody details come from hub-api under the custody purpose,
 * audited, and are read once per entry rather than on every refresh. The list asks again
 * every few seconds, changing only the rows that changed, and announces new arrivals.
 */
async function render(ctx: PageContext): Promise<Node> {
  const filter = select('status', FILTERS, FILTERS.some(([v]) => v === ctx.query.get('status')) ? ctx.query.get('status')! : 'all');
  filter.id = 'inbox-filter';
  /** what went wrong with an acknowledgement, kept until the next one */
  const problems = h('div');
  /** the list could not be read: cleared when it can again */
  const listProblems = h('div');
  const summary = h('div');
  const updated = h('p', { class: 'muted' });
  const tbody = h('tbody');
  const emptyNote = h('p', { class: 'muted', hidden: true }, 'No notifications to show.');
  const rows = new Map<string, { signature: string; row: HTMLTableRowElement }>();
  const details = new Map<string, Details>();
  /** the filter asked for (on submit) and the one the table shows */
  let wanted = filter.value;
  let shown = wanted;
  let first = true;
  let left = false;
  /** loads run one after another, so a filter change never crosses a poll */
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;

  const readDetails = async (n: InboxEntry): Promise<void> => {
    const key = JSON.stringify(n);
    const known = details.get(n.id);
    // each read of a child's details is audited: read once, and again only when the entry changes
    if (known && known.for === key && !known.problem) return;
    try {
      const episode = await ctx.api.get<Episode>(`/api/custody/notifications/${encodeURIComponent(n.id)}`, PURPOSE);
      details.set(n.id, { episode, problem: null, for: key });
    } catch (error) {
      // keep what was read before; say why there is nothing new
      details.set(n.id, { episode: known?.episode ?? null, problem: error instanceof Error ? error.message : String(error), for: key });
    }
  };

  const acknowledge = async (n: InboxEntry, button: HTMLButtonElement) => {
    button.disabled = true;
    const name = childName(n, details.get(n.id));
    try {
      const done = await ctx.api.post<InboxEntry>(`${INBOX}/${encodeURIComponent(n.id)}/acknowledge`, PURPOSE);
      problems.replaceChildren();
      await readDetails(done);
      const row = place(done);
      // keep the keyboard user where they were: on the row's new acknowledgement
      row?.querySelector<HTMLElement>('[data-acknowledgement]')?.focus();
      ctx.announce(`Acknowledged: ${name}, by ${done.acknowledged?.by.name ?? ctx.user.name}`);
    } catch (error) {
      button.disabled = false;
      const summaryBox = errorSummary(error);
      problems.replaceChildren(summaryBox);
      summaryBox.focus();
    }
  };

  const acknowledgementCell = (n: InboxEntry, name: string): Child => {
    if (n.acknowledged) {
      return h(
        'span',
        { 'data-acknowledgement': '', tabindex: -1 },
        tag('Acknowledged', 'green'),
        h('br'),
        `by ${n.acknowledged.by.name}`,
        h('br'),
        fmt.dateTime(n.acknowledged.at),
      );
    }
    const button = h('button', { type: 'button', 'aria-label': `Acknowledge the custody notification for ${name}` }, 'Acknowledge');
    button.addEventListener('click', () => void acknowledge(n, button));
    return [
      n.escalatedAt ? [tag('Escalated', 'red'), h('br'), `to managers ${fmt.dateTime(n.escalatedAt)}`] : tag('Not yet acknowledged', 'yellow'),
      h('br'),
      `received ${fmt.dateTime(n.receivedAt)}`,
      h('br'),
      button,
    ];
  };

  const rowOf = (n: InboxEntry): HTMLTableRowElement => {
    const d = details.get(n.id);
    const e = d?.episode ?? null;
    const name = childName(n, d);
    const born = e?.child?.detainee?.dateOfBirth;
    const aa = e?.appropriateAdult;
    const held = heldCell(n.arrivedAt, n.released?.at);
    const known = e?.consolidated;
    return h(
      'tr',
      { 'data-notification': n.id },
      h(
        'th',
        { scope: 'row' },
        h('strong', null, name),
        h('br'),
        n.ageAtArrival !== null ? `aged ${n.ageAtArrival}` : 'appears under 18',
        born ? `, born ${fmt.date(born)}` : '',
        e?.withheld ? [h('br'), tag('Details withheld', 'grey'), ' ', e.withheld] : null,
        d?.problem ? [h('br'), h('span', { class: 'muted' }, `Details not available: ${d.problem}`)] : null,
      ),
      h('td', null, e?.child?.suite ? [e.child.suite, h('br')] : null, n.custodyRef, e?.child?.offence ? [h('br'), e.child.offence] : null),
      h('td', null, fmt.dateTime(n.arrivedAt)),
      h('td', null, held, n.released ? [h('br'), `left ${fmt.dateTime(n.released.at)}: ${words(n.released.outcome)}`] : [h('br'), tag('In custody', 'blue')]),
      h(
        'td',
        null,
        (aa?.required ?? n.appropriateAdultRequired) ? 'Required' : 'Not required',
        aa?.status ? [h('br'), AA_STATUS[aa.status] ?? words(aa.status), aa.updatedBy ? ` (${aa.updatedBy})` : ''] : null,
      ),
      h(
        'td',
        null,
        known && (known.openToYjs || known.knownRisks.length > 0 || known.signposts.length > 0)
          ? [
              known.openToYjs ? ['Open to ', TEAMS[known.openToYjs.team ?? ''] ?? 'a YJS', known.openToYjs.since ? ` since ${fmt.date(known.openToYjs.since)}` : ''] : null,
              known.knownRisks.map((r, i) => [known.openToYjs || i > 0 ? h('br') : null, r]),
              known.signposts.length > 0 ? [known.openToYjs || known.knownRisks.length > 0 ? h('br') : null, `Ask: ${known.signposts.join(', ')}`] : null,
            ]
          : '—',
      ),
      h('td', null, acknowledgementCell(n, name)),
    );
  };

  /** Puts an entry's row in the table, new or changed; returns it. */
  const place = (n: InboxEntry): HTMLTableRowElement | undefined => {
    const d = details.get(n.id);
    const signature = JSON.stringify([n, d?.episode ?? null, d?.problem ?? null]);
    const known = rows.get(n.id);
    if (known && known.signature === signature) return known.row;
    const row = rowOf(n);
    if (known) known.row.replaceWith(row);
    rows.set(n.id, { signature, row });
    return row;
  };

  const load = (): Promise<void> => {
    pending++;
    queue = queue
      .then(loadNow)
      .catch((error) => void listProblems.replaceChildren(errorSummary(error)))
      .finally(() => void pending--);
    return queue;
  };

  const loadNow = async (): Promise<void> => {
    if (left) return;
    let list: InboxEntry[];
    const status = wanted;
    try {
      list = await ctx.api.get<InboxEntry[]>(`${INBOX}?status=${encodeURIComponent(status)}`, PURPOSE);
    } catch (error) {
      listProblems.replaceChildren(errorSummary(error));
      return;
    }
    if (left) return;
    if (status !== shown) {
      // a new filter: a new list, nothing in it "new"
      for (const { row } of rows.values()) row.remove();
      rows.clear();
      shown = status;
      first = true;
    }
    listProblems.replaceChildren();
    await Promise.all(list.map(readDetails));
    if (left) return;
    const arrived: string[] = [];
    const seen = new Set<string>();
    list.forEach((n, index) => {
      seen.add(n.id);
      if (!rows.has(n.id)) arrived.push(childName(n, details.get(n.id)));
      const row = place(n)!;
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
    });
    for (const [id, { row }] of rows) {
      if (seen.has(id)) continue;
      row.remove();
      rows.delete(id);
    }
    emptyNote.hidden = list.length > 0;
    table.hidden = list.length === 0;
    if (!first && arrived.length > 0) ctx.announce(`New custody notification: ${arrived.join(', ')}`);
    first = false;
    const open = list.filter((n) => !n.acknowledged);
    replace(
      summary,
      cards([
        ['in custody now', list.filter((n) => !n.released).length],
        ['not yet acknowledged', open.length],
        ['escalated to managers', open.filter((n) => n.escalatedAt).length],
      ]),
    );
    updated.textContent = `Updated ${fmt.dateTime(new Date().toISOString())}; updates every ${POLL_MS / 1000} seconds without reloading.`;
  };

  const columns = ['Child', 'Custody', 'Arrived', 'Time held', 'Appropriate adult', 'Also known', 'Acknowledgement'];
  const table = h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': 'yjs-inbox-caption', tabindex: 0 },
    h(
      'table',
      null,
      h('caption', { id: 'yjs-inbox-caption' }, `${TEAMS[ctx.user.team ?? ''] ?? 'Your team'}: custody notifications, newest arrival first`),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      tbody,
    ),
  );

  await load();
  // a slow answer is not asked again on top of itself
  const poll = setInterval(() => void (pending === 0 && load()), POLL_MS);
  ctx.onLeave(() => {
    left = true;
    clearInterval(poll);
  });
  keepTimeHeldTicking(tbody, ctx);

  const filterForm = h(
    'form',
    {
      class: 'inline-fields',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        wanted = filter.value;
        // the choice stays in the address, so a reload or a shared link shows the same
        history.replaceState(null, '', `#/yjs${filter.value === 'all' ? '' : `?status=${filter.value}`}`);
        await load();
        ctx.announce(`Showing ${FILTERS.find(([v]) => v === filter.value)![1].toLowerCase()}: ${rows.size}`);
      },
    },
    h('div', { class: 'field' }, h('label', { for: filter.id }, 'Show'), filter),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Show notifications')),
  );

  return h(
    'div',
    null,
    heading(
      'Custody inbox',
      PURPOSE,
      'Children from your team’s area booked into police custody. Acknowledge each notification once someone has it in hand: unacknowledged ones go to your managers after an hour.',
    ),
    problems,
    listProblems,
    summary,
    filterForm,
    updated,
    emptyNote,
    table,
  );
}

export const yjsPages: Page[] = [
  { path: '/yjs', title: 'Custody inbox', nav: 'Custody inbox', roles: ['yjs-officer', 'yjs-manager'], purpose: PURPOSE, render },
];
