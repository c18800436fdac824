import { Child, dataTable, fmt, h, summaryList, tag } from '../dom.js';
import { heading, link, PageContext } from '../page.js';
import { agencyName, criterionCell, Group, GROUPS, groupName, groupShort, meetingWhen, Person, PURPOSE, researchDueBy, riskTag, victimDetails, victimName } from './marac-common.js';

interface Meeting {
  id: string;
  group: Group;
  startsAt: string;
  cases: number;
  cap: number;
  attendees: string[];
}

interface AgendaCase {
  referralId: string;
  subjectId: string;
  criterion: string;
  repeat: boolean;
  riskLevel: string;
  ticks: number | null;
  source: 'automatic' | 'manual';
  triggeredAt: string;
  victim: Person & { agency: string };
}

interface Agenda {
  id: string;
  group: Group;
  startsAt: string;
  cap: number;
  attendees: string[];
  cases: AgendaCase[];
}

const casesCell = (cases: number, cap: number): Child => [`${cases} of ${cap}`, cases >= cap ? [' ', tag('Full', 'yellow')] : null];

/** The next six meetings of each group, each linking to its agenda. */
export async function renderMeetings(ctx: PageContext): Promise<Node> {
  const groups = await Promise.all(GROUPS.map(async (group) => ({ group, meetings: await ctx.api.get<Meeting[]>(`/api/marac/meetings?group=${group}`, PURPOSE) })));
  return h(
    'div',
    null,
    heading('MARAC meetings', PURPOSE, 'The north and south groups each meet fortnightly. A case is listed at the first meeting that leaves agencies time to research it; past the cap, the lowest-priority cases move to the next meeting.'),
    groups.map(({ group, meetings }) =>
      h(
        'section',
        { 'aria-labelledby': `meetings-${group}` },
        h('h2', { id: `meetings-${group}` }, groupName(group)),
        meetings[0] ? h('p', null, h('strong', null, 'Agencies round the table: '), meetings[0].attendees.map(agencyName).join(', ')) : null,
        dataTable<Meeting>(`Next meetings of the ${groupShort(group)}`, [
          { label: 'Meeting', value: (m) => link(`/marac/meetings/${m.id}`, meetingWhen(m.startsAt), h('span', { class: 'visually-hidden' }, `: ${groupShort(group)} agenda`)) },
          { label: 'Cases listed', value: (m) => casesCell(m.cases, m.cap) },
          { label: 'Research due by', value: (m) => researchDueBy(m.startsAt) },
        ], meetings, 'No meetings scheduled.'),
      ),
    ),
  );
}

/** A meeting's agenda: its cases in priority order, each to its referral (coordinator) and case pack. */
export async function renderAgenda(ctx: PageContext): Promise<Node> {
  const agenda = await ctx.api.get<Agenda>(`/api/marac/meetings/${encodeURIComponent(ctx.params.id)}/agenda`, PURPOSE);
  const coordinator = ctx.session.has('marac-coordinator');
  const victimCell = (c: AgendaCase): Child => {
    const name = victimName(c.victim);
    const more = victimDetails(c.victim);
    return [coordinator ? link(`/marac/referrals/${c.referralId}?subjectId=${c.subjectId}`, name) : h('strong', null, name), more ? [h('br'), more] : null];
  };
  const table = dataTable<AgendaCase>(
    `Cases in priority order (${agenda.cases.length} of ${agenda.cap})`,
    [
      { label: 'Order', value: (c) => agenda.cases.indexOf(c) + 1, numeric: true },
      { label: 'Victim', value: victimCell },
      { label: 'Risk', value: (c) => riskTag(c.riskLevel) },
      { label: 'Criterion', value: (c) => criterionCell(c.criterion) },
      { label: 'Repeat', value: (c) => (c.repeat ? tag('Repeat', 'yellow') : 'No') },
      { label: 'DASH ticks', value: (c) => (c.ticks === null ? '—' : c.ticks), numeric: true },
      { label: 'Raised', value: (c) => fmt.date(c.triggeredAt) },
      {
        label: 'Case pack',
        value: (c) => link(`/marac/referrals/${c.referralId}/case-pack?meeting=${agenda.id}`, 'Case pack', h('span', { class: 'visually-hidden' }, ` for ${victimName(c.victim)}`)),
      },
    ],
    agenda.cases,
    'No cases are listed at this meeting yet.',
  );
  return h(
    'div',
    null,
    h('p', null, link('/marac/meetings', 'Back to MARAC meetings')),
    heading(`Agenda: ${groupShort(agenda.group)}, ${meetingWhen(agenda.startsAt)}`, PURPOSE, 'Cases in priority order: highest risk first, then repeats, then the most DASH ticks, then the longest waiting. About 12 to 15 minutes each; an IDVA represents each victim.'),
    summaryList([
      ['Group', groupName(agenda.group)],
      ['Meets', meetingWhen(agenda.startsAt)],
      ['Cases listed', casesCell(agenda.cases.length, agenda.cap)],
      ['Research due by', researchDueBy(agenda.startsAt)],
      ['Agencies round the table', agenda.attendees.map(agencyName).join(', ')],
    ]),
    table,
  );
}
