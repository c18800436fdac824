import { ApiError, errorSummary } from '../api.js';
import { Child, dataTable, field, fmt, h, select, summaryList, tag } from '../dom.js';
import { heading, link, PageContext } from '../page.js';
import { casePackPanel } from './marac-case-pack.js';
import {
  agencyName,
  apiForm,
  criterionCell,
  criterionName,
  CRITERIA,
  GROUP_NAMES,
  groupShort,
  incidentRefs,
  meetingWhen,
  PURPOSE,
  Referral,
  referredBy,
  researchDueBy,
  setFlash,
  STATUSES,
  statusTag,
  takeFlash,
  valueOf,
  victimName,
} from './marac-common.js';

interface ResearchSection {
  agency: string;
  dueAt: string;
  status: 'requested' | 'submitted' | 'overdue';
  prefill: { kind: string; role: string; clause: string; record: Record<string, unknown> }[];
  signposted: boolean;
  submission?: { summary: string; risks?: string; corrections?: string; submittedBy: string; submittedAt: string; versions: number };
}

interface Research {
  subjectId: string;
  meetingId: string;
  startsAt: string;
  sections: ResearchSection[];
}

interface Action {
  id: string;
  description: string;
  ownerAgency: string;
  dueOn: string;
  status: 'open' | 'done' | 'not-done';
  overdue: boolean;
  outcome?: string;
  agreedBy: string;
  agreedAt: string;
}

const PAGE = 1000;
const isUuid = (s: string | null | undefined): s is string => !!s && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** The link to a referral's page; the subject narrows the look-up (and what it reads) to one victim. */
export const referralPath = (r: { id: string; subjectId: string }) => `/marac/referrals/${r.id}?subjectId=${r.subjectId}`;

/**
 * The referral and the victim's other referrals (for merging). With the victim in the link,
 * one read of that victim's referrals has both; otherwise the referral is read by its id
 * (`GET /api/marac/referrals/{id}`) and then its victim's others. Either way the audit names
 * this one victim.
 */
async function findReferral(ctx: PageContext, id: string): Promise<{ referral: Referral; others: Referral[] }> {
  if (!isUuid(id)) throw new ApiError(400, 'That is not a referral id', [{ path: 'id', reason: 'must be a UUID' }]);
  const ofSubject = (subjectId: string) => ctx.api.get<Referral[]>(`/api/marac/referrals?subjectId=${subjectId}&limit=${PAGE}`, PURPOSE);
  const subjectId = ctx.query.get('subjectId');
  if (isUuid(subjectId)) {
    const list = await ofSubject(subjectId);
    const found = list.find((r) => r.id === id);
    if (found) return { referral: found, others: list.filter((r) => r.id !== id) };
  }
  const referral = await ctx.api.get<Referral>(`/api/marac/referrals/${id}`, PURPOSE);
  return { referral, others: (await ofSubject(referral.subjectId)).filter((r) => r.id !== id) };
}

function details(ctx: PageContext, r: Referral, others: Referral[]): HTMLElement {
  const v = r.victim;
  const items: [string, Child][] = [
    ['Victim', victimName(v)],
    ['Date of birth', v.dateOfBirth ? fmt.date(v.dateOfBirth) : 'Not shared with you'],
    ['Postcode', v.address?.postcode ?? 'Not shared with you'],
    ['Victim known to', agencyName(v.agency)],
    ['Criterion', criterionCell(r.criterion)],
    ['Repeat', r.repeat ? [tag('Repeat', 'yellow'), ' within 12 months of the victim’s last MARAC referral'] : 'No'],
    ['Referral', referredBy(r)],
    ...(r.referralReason ? [['Why MARAC', r.referralReason] as [string, Child]] : []),
    ['Incidents', r.incidentRefs.length > 0 ? incidentRefs(r.incidentRefs) : 'None: an agency’s referral'],
    ['Raised', fmt.dateTime(r.triggeredAt)],
    ['Received', fmt.dateTime(r.createdAt)],
    ['Status', statusTag(r.status)],
  ];
  if (r.listing) items.push(['Meeting', link(`/marac/meetings/${r.listing.meetingId}`, `${groupShort(r.listing.group)}, ${meetingWhen(r.listing.startsAt)}`)]);
  if (r.screening) {
    items.push(['Screened', `by ${r.screening.decidedBy === ctx.user.sub ? 'you' : r.screening.decidedBy}, ${fmt.dateTime(r.screening.decidedAt)}`]);
    if (r.screening.reason) items.push(['Screening reason', r.screening.reason]);
    if (r.screening.mergedInto) {
      const target = others.find((o) => o.id === r.screening!.mergedInto);
      const name = target ? `${criterionName(target.criterion)}, received ${fmt.date(target.createdAt)}` : 'the referral it duplicates';
      items.push(['Merged into', link(`/marac/referrals/${r.screening.mergedInto}?subjectId=${r.subjectId}`, name)]);
    }
  }
  return summaryList(items);
}

const textarea = (name: string, rows = 3) => h('textarea', { name, rows });

/** Accept, reject or merge: each its own form, each showing the API's field errors beside the field. */
function screening(ctx: PageContext, r: Referral, others: Referral[]): HTMLElement {
  const key = `referral:${r.id}`;
  const name = victimName(r.victim);
  const accept = apiForm(
    { label: 'Accept and list at a meeting', submit: 'Accept and list at a meeting' },
    [
      field(
        'MARAC group',
        select('group', [['', 'From the victim’s postcode'], ['north', GROUP_NAMES.north], ['south', GROUP_NAMES.south]]),
        'Needed only when the victim’s postcode does not place them in one group.',
      ),
      field('Note (optional)', textarea('reason', 2), 'Kept with the decision.'),
    ],
    async (form) => {
      const group = valueOf(form, 'group');
      const reason = valueOf(form, 'reason');
      const listed = await ctx.api.post<{ group: string; meetingId: string; startsAt: string }>(`/api/marac/referrals/${r.id}/accept`, PURPOSE, {
        ...(group ? { group } : {}),
        ...(reason ? { reason } : {}),
      });
      const text = `Accepted: ${name} is listed at the ${groupShort(listed.group)} on ${meetingWhen(listed.startsAt)}.`;
      setFlash(key, text);
      ctx.announce(text);
      ctx.refresh();
    },
  );
  const reject = apiForm(
    { label: 'Reject the referral', submit: 'Reject the referral', submitClass: 'warning' },
    [field('Reason for rejecting', textarea('reason'), 'Required. Kept with the decision, e.g. the parties are not personally connected.')],
    async (form) => {
      await ctx.api.post(`/api/marac/referrals/${r.id}/reject`, PURPOSE, { reason: valueOf(form, 'reason') ?? '' });
      const text = `Rejected: the referral of ${name} will not go to MARAC.`;
      setFlash(key, text);
      ctx.announce(text);
      ctx.refresh();
    },
  );
  const candidates = others.filter((o) => !['rejected', 'merged'].includes(o.status));
  const merge =
    candidates.length === 0
      ? h('p', { class: 'muted' }, 'There is no other open referral of this victim to merge this one into.')
      : apiForm(
          { label: 'Merge into another referral', submit: 'Merge the referral', submitClass: 'secondary' },
          [
            field(
              'Merge into',
              select(
                'into',
                candidates.map((o) => [o.id, `${criterionName(o.criterion)}, received ${fmt.date(o.createdAt)} (${STATUSES[o.status]?.label ?? o.status})${o.incidentRefs.length ? `: ${o.incidentRefs.join(', ')}` : ''}`]),
              ),
              'Another referral of the same victim that this one duplicates.',
            ),
            field('Reason for merging', textarea('reason'), 'Required. Kept with the decision.'),
          ],
          async (form) => {
            const into = valueOf(form, 'into') ?? '';
            await ctx.api.post(`/api/marac/referrals/${r.id}/merge`, PURPOSE, { into, reason: valueOf(form, 'reason') ?? '' });
            const text = `Merged: this referral of ${name} now goes with the one it duplicates.`;
            setFlash(key, text);
            ctx.announce(text);
            ctx.refresh();
          },
        );
  return h(
    'section',
    { 'aria-labelledby': 'screen-heading' },
    h('h2', { id: 'screen-heading' }, 'Screen this referral'),
    h('p', null, 'Accept it to the next meeting of the victim’s group that leaves agencies time to research, reject it with a reason, or merge it into another referral of the same victim.'),
    h('h3', null, 'Accept'),
    accept,
    h('h3', null, 'Reject'),
    reject,
    h('h3', null, 'Merge'),
    merge,
  );
}

const RESEARCH_STATUS: Record<string, [string, 'green' | 'red' | 'blue']> = {
  submitted: ['Submitted', 'green'],
  overdue: ['Overdue', 'red'],
  requested: ['Requested', 'blue'],
};

function fromTheHub(s: ResearchSection): Child {
  const kinds = [...new Set(s.prefill.map((p) => p.kind.replace(/-/g, ' ')))];
  const parts: Child[] = [];
  if (s.prefill.length > 0) parts.push(`${s.prefill.length} record${s.prefill.length === 1 ? '' : 's'} pre-filled: ${kinds.join(', ')}`);
  if (s.signposted) parts.push(parts.length ? h('br') : null, 'Holds other records: its representative brings what is relevant');
  return parts.length > 0 ? parts : h('span', { class: 'muted' }, 'Nothing held by the hub');
}

async function researchSection(ctx: PageContext, r: Referral): Promise<{ section: HTMLElement; agencies: string[] }> {
  const key = `referral:${r.id}`;
  let research: Research;
  try {
    research = await ctx.api.get<Research>(`/api/marac/referrals/${r.id}/research`, PURPOSE);
  } catch (error) {
    return { section: h('section', null, h('h2', null, 'Research requests'), errorSummary(error)), agencies: [] };
  }
  const agencies = research.sections.map((s) => s.agency);
  const table = dataTable<ResearchSection>('Research requested from each agency', [
    { label: 'Agency', value: (s) => agencyName(s.agency) },
    { label: 'Due by', value: (s) => fmt.dateTime(s.dueAt) },
    { label: 'Status', value: (s) => (RESEARCH_STATUS[s.status] ? tag(...RESEARCH_STATUS[s.status]) : tag(s.status, 'blue')) },
    { label: 'From the hub', value: fromTheHub },
    {
      label: 'Research',
      value: (s) =>
        s.submission
          ? [
              s.submission.summary,
              s.submission.risks ? [h('br'), h('strong', null, 'Risks: '), s.submission.risks] : null,
              s.submission.corrections ? [h('br'), h('strong', null, 'Corrections: '), s.submission.corrections] : null,
              h('br'),
              h('span', { class: 'muted' }, `${s.submission.submittedBy}, ${fmt.dateTime(s.submission.submittedAt)}${s.submission.versions > 1 ? ` (version ${s.submission.versions})` : ''}`),
            ]
          : '—',
    },
  ], research.sections, 'No agency is asked for research.');
  const record = apiForm(
    { label: 'Record research for an agency', submit: 'Record the research', submitClass: 'secondary' },
    [
      field('Agency', select('agency', agencies.map((a) => [a, agencyName(a)]))),
      field('What the agency holds', textarea('summary'), 'Involvement, history, current contact: what is relevant and proportionate.'),
      field('Risks the agency sees (optional)', textarea('risks', 2)),
      field('Corrections to the pre-filled records (optional)', textarea('corrections', 2)),
    ],
    async (form) => {
      const agency = valueOf(form, 'agency') ?? '';
      const risks = valueOf(form, 'risks');
      const corrections = valueOf(form, 'corrections');
      await ctx.api.post(`/api/marac/referrals/${r.id}/research/${encodeURIComponent(agency)}`, PURPOSE, {
        summary: valueOf(form, 'summary') ?? '',
        ...(risks ? { risks } : {}),
        ...(corrections ? { corrections } : {}),
      });
      const text = `Research from ${agencyName(agency)} recorded.`;
      setFlash(key, text);
      ctx.announce(text);
      ctx.refresh();
    },
  );
  return {
    agencies,
    section: h(
      'section',
      { 'aria-labelledby': 'research-heading' },
      h('h2', { id: 'research-heading' }, 'Research requests'),
      h('p', null, `Every agency round the table is asked to research its records by ${researchDueBy(research.startsAt)}, two days before the meeting. The hub pre-fills each agency’s section with what it may share; the agency’s representative completes or corrects it.`),
      table,
      h('h3', null, 'Record research for an agency'),
      h('p', { class: 'muted' }, 'When an agency’s representative sends their research another way, you may enter it for them.'),
      record,
    ),
  };
}

async function actionsSection(ctx: PageContext, r: Referral, agencies: string[]): Promise<HTMLElement> {
  const key = `referral:${r.id}`;
  let actions: Action[];
  try {
    actions = await ctx.api.get<Action[]>(`/api/marac/actions?referralId=${r.id}`, PURPOSE);
  } catch (error) {
    return h('section', null, h('h2', null, 'Actions'), errorSummary(error));
  }
  const table = dataTable<Action>('Actions agreed for this case', [
    { label: 'Action', value: (a) => a.description },
    { label: 'Owner', value: (a) => agencyName(a.ownerAgency) },
    { label: 'Due', value: (a) => fmt.date(a.dueOn) },
    { label: 'Status', value: (a) => (a.overdue ? tag('Overdue', 'red') : a.status === 'done' ? tag('Done', 'green') : a.status === 'not-done' ? tag('Not done', 'grey') : tag('Open', 'blue')) },
    { label: 'Outcome', value: (a) => a.outcome ?? '—' },
  ], actions, 'No actions agreed yet.');
  const owners = agencies.length > 0 ? agencies : ['police', 'harbour', 'housing'];
  const due = h('input', { type: 'date', name: 'dueOn' });
  const agree = apiForm(
    { label: 'Agree an action', submit: 'Agree the action', submitClass: 'secondary' },
    [
      field('Action', textarea('description', 2), 'What the agency volunteered at the meeting.'),
      h('div', { class: 'inline-fields' }, field('Owner agency', select('ownerAgency', owners.map((a) => [a, agencyName(a)]))), field('Due date', due)),
    ],
    async (form) => {
      await ctx.api.post(`/api/marac/referrals/${r.id}/actions`, PURPOSE, {
        description: valueOf(form, 'description') ?? '',
        ownerAgency: valueOf(form, 'ownerAgency') ?? '',
        dueOn: valueOf(form, 'dueOn') ?? '',
      });
      const text = 'Action agreed and added to the action log.';
      setFlash(key, text);
      ctx.announce(text);
      ctx.refresh();
    },
  );
  return h('section', { 'aria-labelledby': 'actions-heading' }, h('h2', { id: 'actions-heading' }, 'Actions'), table, h('h3', null, 'Agree an action'), agree);
}

function othersSection(r: Referral, others: Referral[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'others-heading' },
    h('h2', { id: 'others-heading' }, 'Other referrals of this victim'),
    dataTable<Referral>('Other MARAC referrals of this victim, newest first', [
      { label: 'Referral', value: (o) => link(`/marac/referrals/${o.id}?subjectId=${r.subjectId}`, `${criterionName(o.criterion)}, received ${fmt.date(o.createdAt)}`) },
      { label: 'Incidents', value: (o) => (o.incidentRefs.length ? incidentRefs(o.incidentRefs) : '—') },
      { label: 'Status', value: (o) => statusTag(o.status) },
      { label: 'Meeting', value: (o) => (o.listing ? `${groupShort(o.listing.group)}, ${meetingWhen(o.listing.startsAt)}` : '—') },
    ], others, 'None.'),
  );
}

/**
 * One referral: who, why (the criterion in words), its incidents, the screening decision or
 * the forms to make it; once listed, its meeting, the research asked of each agency, the
 * actions agreed, and the case pack on the page or as a PDF.
 */
export async function renderReferral(ctx: PageContext): Promise<Node> {
  const { referral: r, others } = await findReferral(ctx, ctx.params.id);
  const notice = takeFlash(`referral:${r.id}`);
  const criterion = CRITERIA[r.criterion];
  const parts: Child[] = [
    h('p', null, link('/marac/referrals', 'Back to MARAC referrals')),
    heading(`MARAC referral: ${victimName(r.victim)}`, PURPOSE, criterion ? `${criterion.name}: ${criterion.explanation}.` : undefined),
    notice,
    details(ctx, r, others),
  ];
  if (r.status === 'new') {
    parts.push(screening(ctx, r, others));
  } else if (r.status === 'withdrawn') {
    parts.push(h('p', { class: 'notice' }, 'This referral was withdrawn: its grounds are gone (for example, the incident behind it was corrected). There is nothing to screen.'));
  }
  if (r.status === 'accepted' && r.listing) {
    const { panel } = casePackPanel(ctx, r.id, { autoLoad: false, level: 'h3' });
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'pack-heading' },
        h('h2', { id: 'pack-heading' }, 'Case pack'),
        h('p', null, 'Listed at the ', link(`/marac/meetings/${r.listing.meetingId}`, `${groupShort(r.listing.group)} on ${meetingWhen(r.listing.startsAt)}`), '.'),
        panel,
      ),
    );
    const { section, agencies } = await researchSection(ctx, r);
    parts.push(section, await actionsSection(ctx, r, agencies));
  }
  if (others.length > 0) parts.push(othersSection(r, others));
  return h('div', null, parts);
}
