import { Child, dataTable, field, fmt, h, select, tag } from '../dom.js';
import { heading, link, Page, PageContext } from '../page.js';
import { renderCasePackPage } from './marac-case-pack.js';
import { agencyName, criterionCell, groupShort, incidentRefs, meetingWhen, PURPOSE, Referral, STATUSES, statusTag, victimDetails, victimName } from './marac-common.js';
import { renderAgenda, renderMeetings } from './marac-meetings.js';
import { referralPath, renderReferral } from './marac-referral.js';

/** referrals a page of the queue shows */
const PAGE = 50;

const queuePath = (status: string, offset = 0) => {
  const query = new URLSearchParams({ status });
  if (offset > 0) query.set('offset', String(offset));
  return `/marac/referrals?${query}`;
};

/**
 * The coordinator's referral queue: the referrals the hub raised by the SafeLives criteria
 * and those agencies made, newest first, the victim as the coordinator may see them. New
 * referrals (to screen) by default; a filter shows the others.
 */
async function renderQueue(ctx: PageContext): Promise<Node> {
  const asked = ctx.query.get('status') ?? 'new';
  const status = asked === 'all' || STATUSES[asked] ? asked : 'new';
  const offset = Math.max(0, Math.floor(Number(ctx.query.get('offset')) || 0));
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (status !== 'all') query.set('status', status);
  const referrals = await ctx.api.get<Referral[]>(`/api/marac/referrals?${query}`, PURPOSE);

  const choice = select('status', [['all', 'All statuses'], ...Object.entries(STATUSES).map(([value, s]) => [value, s.filter] as [string, string])], status);
  const filter = h(
    'form',
    {
      class: 'inline-fields',
      'aria-label': 'Filter the referrals',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        ctx.navigate(queuePath(choice.value));
      },
    },
    field('Status', choice),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Show referrals')),
  );

  const what = status === 'all' ? 'All MARAC referrals' : status === 'new' ? 'New referrals to screen' : `${STATUSES[status].label} referrals`;
  const first = referrals.length > 0 ? offset + 1 : 0;
  const caption = `${what}, newest first${referrals.length > 0 ? ` (${first} to ${offset + referrals.length})` : ''}`;
  const table = dataTable<Referral>(
    caption,
    [
      { label: 'Victim', value: (r) => [link(referralPath(r), victimName(r.victim)), victimDetails(r.victim) ? [h('br'), victimDetails(r.victim)] : null] },
      { label: 'Criterion', value: (r) => criterionCell(r.criterion) },
      { label: 'Repeat', value: (r) => (r.repeat ? tag('Repeat', 'yellow') : 'No') },
      { label: 'Incidents', value: (r): Child => (r.incidentRefs.length > 0 ? incidentRefs(r.incidentRefs) : h('span', { class: 'muted' }, `None: referral by ${agencyName(r.referringAgency)}`)) },
      { label: 'Status', value: (r) => [statusTag(r.status), r.listing ? [h('br'), `${groupShort(r.listing.group)}, ${meetingWhen(r.listing.startsAt)}`] : null] },
      { label: 'Received', value: (r) => fmt.dateTime(r.createdAt) },
    ],
    referrals,
    status === 'new' ? 'No new referrals to screen.' : 'No referrals.',
  );
  const paging: Child[] = [];
  if (offset > 0) paging.push(link(queuePath(status, Math.max(0, offset - PAGE)), 'Newer referrals'));
  if (referrals.length === PAGE) paging.push(paging.length ? ' · ' : null, link(queuePath(status, offset + PAGE), 'Older referrals'));

  return h(
    'div',
    null,
    heading(
      'MARAC referrals',
      PURPOSE,
      'Referrals the hub raised from agencies’ domestic abuse records by the SafeLives criteria, and those agencies made on professional judgement. Screen each one: accept it to a meeting, reject it, or merge a duplicate.',
    ),
    filter,
    table,
    paging.length > 0 ? h('nav', { 'aria-label': 'More referrals' }, h('p', null, paging)) : null,
  );
}

/** The MARAC coordinator's and members' pages. */
export const maracPages: Page[] = [
  { path: '/marac/referrals', title: 'MARAC referrals', nav: 'MARAC referrals', roles: ['marac-coordinator'], purpose: PURPOSE, render: renderQueue },
  { path: '/marac/referrals/:id', title: 'MARAC referral', roles: ['marac-coordinator'], purpose: PURPOSE, render: renderReferral },
  { path: '/marac/referrals/:id/case-pack', title: 'MARAC case pack', roles: ['marac-coordinator', 'marac-member'], purpose: PURPOSE, render: renderCasePackPage },
  { path: '/marac/meetings', title: 'MARAC meetings', nav: 'MARAC meetings', roles: ['marac-coordinator', 'marac-member'], purpose: PURPOSE, render: renderMeetings },
  { path: '/marac/meetings/:id', title: 'MARAC meeting agenda', roles: ['marac-coordinator', 'marac-member'], purpose: PURPOSE, render: renderAgenda },
];
