import { errorSummary } from '../api.js';
import { cards, Child, fmt, h, replace, saveBlob, select, tag } from '../dom.js';
import { heading, Page, PageContext } from '../page.js';
import { heldCell, keepTimeHeldTicking } from './time-held.js';

const PURPOSE = 'custody.yjs-notification';
/** how often the board asks hub-api again; the time held ticks on between asks */
const POLL_MS = 5_000;

interface Episode {
  notificationId: string;
  custodyRef: string;
  arrivedAt: string;
  inCustody: boolean;
  releaseNotRecorded: boolean;
  released: { at: string; outcome: string } | null;
  ageAtArrival: number | null;
  child: { suite?: string; offence?: string; detainee?: { givenName?: string; familyName?: string; dateOfBirth?: string; address?: { postcode?: string } } } | null;
  route: 'yjs' | 'out-of-area' | 'needs-placement';
  team: string | null;
  localAuthority: string | null;
  placementReason: string | null;
  appropriateAdult: { required: boolean; status: string | null; updatedBy: string | null };
  notification: { status: string; acknowledgedAt: string | null; acknowledgedBy: { name: string } | null; escalatedAt: string | null };
  consolidated: { openToYjs: { team?: string } | null; knownRisks: string[]; signposts: string[] } | null;
  withheld?: string;
}

interface Board {
  at: string;
  summary: { inCustody: number; awaitingAcknowledgement: number; escalated: number; outOfArea: number; needsPlacement: number };
  episodes: Episode[];
}

const TEAMS: Record<string, string> = { hartlepool: 'Hartlepool YJS', stockton: 'Stockton YJS', 'south-tees': 'South Tees YJS' };
const AA_STATUSES: [string, string][] = [
  ['', 'Not recorded'],
  ['requested', 'Requested'],
  ['present', 'Present'],
  ['navigator-acting', 'Navigator acting'],
  ['not-required', 'Not required'],
];

const childName = (e: Episode) => {
  const d = e.child?.detainee;
  return d?.givenName || d?.familyName ? `${d.givenName ?? ''} ${d.familyName ?? ''}`.trim() : e.withheld ? 'Details withheld' : e.custodyRef;
};

function routeCell(e: Episode): Child {
  if (e.route === 'yjs') return [TEAMS[e.team ?? ''] ?? e.team ?? '—'];
  if (e.route === 'out-of-area') return [tag('Out of area', 'blue'), ' ', e.localAuthority ?? ''];
  return [tag('Needs placement', 'red'), ' ', e.placementReason ?? ''];
}

function notificationCell(e: Episode): Child {
  const n = e.notification;
  if (n.acknowledgedAt) return [tag('Acknowledged', 'green'), h('br'), `${n.acknowledgedBy?.name ?? ''}, ${fmt.dateTime(n.acknowledgedAt)}`];
  if (n.escalatedAt) return [tag('Escalated', 'red'), h('br'), `to managers ${fmt.dateTime(n.escalatedAt)}`];
  if (n.status === 'not-sent') return tag('Not sent', 'grey');
  return tag(n.status === 'delivered' ? 'Delivered, not yet acknowledged' : 'Sent', 'yellow');
}

/**
 * The custody navigators' live board: children in custody now and in the last day, time
 * held ticking, where the notification went and whether the home YJS acknowledged it.
 * It asks hub-api again every few seconds with the last ETag (an unchanged board is a 304:
 * nothing released, nothing audited), changes only the rows that changed (so focus in a
 * row's form stays put), and announces new arrivals.
 */
async function render(ctx: PageContext): Promise<Node> {
  const navigator = ctx.session.has('custody-navigator');
  const summary = h('div');
  const rows = new Map<string, { signature: string; row: HTMLTableRowElement }>();
  const tbody = h('tbody');
  const updated = h('p', { class: 'muted' });
  const problems = h('div');
  let first = true;

  const appropriateAdult = (e: Episode): Child => {
    const label = `Appropriate adult for ${childName(e)}`;
    if (!navigator) return e.appropriateAdult.status ?? (e.appropriateAdult.required ? 'Required' : 'Not required');
    const choice = select('status', AA_STATUSES, e.appropriateAdult.status ?? '');
    choice.setAttribute('aria-label', label);
    const save = h('button', { type: 'submit', class: 'secondary' }, 'Save');
    save.setAttribute('aria-label', `Save appropriate adult for ${childName(e)}`);
    return h(
      'form',
      {
        onsubmit: async (event: SubmitEvent) => {
          event.preventDefault();
          if (!choice.value) return;
          try {
            await ctx.api.put(`/api/custody/notifications/${e.notificationId}/appropriate-adult`, PURPOSE, { status: choice.value });
            ctx.announce(`Appropriate adult for ${childName(e)} saved`);
          } catch (error) {
            problems.replaceChildren(errorSummary(error));
          }
        },
      },
      choice,
      ' ',
      save,
    );
  };

  const rowOf = (e: Episode) =>
    h(
      'tr',
      { 'data-notification': e.notificationId },
      h('td', null, h('strong', null, childName(e)), h('br'), e.ageAtArrival !== null ? `aged ${e.ageAtArrival}` : '', e.child?.detainee?.dateOfBirth ? `, born ${fmt.date(e.child.detainee.dateOfBirth)}` : ''),
      h('td', null, e.child?.suite ?? '', h('br'), e.custodyRef, e.child?.offence ? [h('br'), e.child.offence] : null),
      h('td', null, fmt.dateTime(e.arrivedAt)),
      h(
        'td',
        null,
        heldCell(e.arrivedAt, e.released?.at),
        e.released ? [h('br'), `left ${fmt.dateTime(e.released.at)}: ${e.released.outcome}`] : null,
        e.releaseNotRecorded ? [h('br'), tag('Past 96 h: release not recorded?', 'red')] : null,
      ),
      h('td', null, routeCell(e)),
      h('td', null, notificationCell(e)),
      h('td', null, appropriateAdult(e)),
      h('td', null, e.consolidated ? [...e.consolidated.knownRisks, ...e.consolidated.signposts.map((s) => `signpost: ${s}`)].join(', ') || '—' : '—'),
    );

  let etag: string | null = null;
  const load = async () => {
    let board: Board;
    try {
      const changed = await ctx.api.getIfChanged<Board>('/api/custody/board?recentHours=24', PURPOSE, etag);
      problems.replaceChildren();
      if (!changed) {
        updated.textContent = `Checked ${fmt.time(new Date().toISOString())}: no change. The board asks again every ${POLL_MS / 1000} seconds without reloading.`;
        return;
      }
      ({ value: board, etag } = changed);
    } catch (error) {
      problems.replaceChildren(errorSummary(error));
      return;
    }
    replace(
      summary,
      cards([
        ['in custody now', board.summary.inCustody],
        ['awaiting acknowledgement', board.summary.awaitingAcknowledgement],
        ['escalated', board.summary.escalated],
        ['out of area', board.summary.outOfArea],
        ['need placement', board.summary.needsPlacement],
      ]),
    );
    const arrived: string[] = [];
    const seen = new Set<string>();
    board.episodes.forEach((e, index) => {
      seen.add(e.notificationId);
      const { arrivedAt: _a, ...rest } = e;
      const signature = JSON.stringify(rest);
      const known = rows.get(e.notificationId);
      if (!known) arrived.push(childName(e));
      if (!known || known.signature !== signature) {
        const row = rowOf(e);
        if (known) known.row.replaceWith(row);
        rows.set(e.notificationId, { signature, row });
      }
      const row = rows.get(e.notificationId)!.row;
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
    });
    for (const [id, { row }] of rows) {
      if (seen.has(id)) continue;
      row.remove();
      rows.delete(id);
    }
    if (!first && arrived.length > 0) ctx.announce(`New in custody: ${arrived.join(', ')}`);
    first = false;
    updated.textContent = `Updated ${fmt.time(board.at)}. The board asks again every ${POLL_MS / 1000} seconds without reloading.`;
  };

  await load();
  const poll = setInterval(() => void load(), POLL_MS);
  ctx.onLeave(() => clearInterval(poll));
  keepTimeHeldTicking(tbody, ctx);

  const month = h('input', { type: 'month', name: 'month', value: new Date().toISOString().slice(0, 7) });
  month.id = 'report-month';
  const report = h(
    'form',
    {
      class: 'inline-fields',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        try {
          saveBlob(await ctx.api.blob(`/api/custody/reports/children-in-custody?month=${month.value}&format=pdf`, PURPOSE), `children-in-custody-${month.value}.pdf`);
        } catch (error) {
          problems.replaceChildren(errorSummary(error));
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: month.id }, 'Month'), month),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Download the report (PDF)')),
  );

  // built here rather than with dataTable: rows are kept and changed one by one as the board updates
  const columns = ['Child', 'Custody', 'Arrived', 'Time held', 'Home YJS', 'Notification', 'Appropriate adult', 'Also known'];
  const table = h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': 'board-caption', tabindex: 0 },
    h('table', null, h('caption', { id: 'board-caption' }, 'Children in custody now and in the last 24 hours'), h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))), tbody),
  );
  return h(
    'div',
    null,
    heading('Children in custody', PURPOSE, 'Each child’s home Youth Justice Service team is told when they arrive; the board shows who has the notification and who has acknowledged it.'),
    problems,
    summary,
    updated,
    table,
    h('h2', null, 'Children in custody report'),
    h('p', null, 'The month’s children held in custody, with those held 12 hours or more, for the partnership’s return.'),
    report,
  );
}

export const custodyPages: Page[] = [
  { path: '/custody', title: 'Children in custody', nav: 'Custody board', roles: ['custody-navigator', 'yjs-manager'], purpose: PURPOSE, render },
];
