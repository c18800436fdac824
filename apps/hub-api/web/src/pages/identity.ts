import { ApiError, errorSummary } from '../api.js';
import { Child, fmt, h, select, tag, uid } from '../dom.js';
import { heading, Page, PageContext } from '../page.js';

const PURPOSE = 'identity.review';
const REASON_MAX = 2000;

/** One side of a possible match, as the agreement gives it to a reviewer. */
interface PersonSide {
  agency: string;
  subjectId: string;
  personRef?: string;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  sex?: string;
  postcode?: string;
}

interface ReviewItem {
  id: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'superseded';
  score: number;
  reasons: string[];
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  person: PersonSide;
  candidate: PersonSide;
}

const AGENCIES: Record<string, string> = {
  police: 'Cleveland Police',
  fire: 'Cleveland Fire Brigade',
  housing: 'Thirteen (housing)',
  treatment: 'START (treatment)',
  'youth-justice': 'Youth Justice Service',
};

const STATUSES: [string, string][] = [
  ['pending', 'Waiting for a decision'],
  ['confirmed', 'Confirmed: linked'],
  ['rejected', 'Rejected: kept apart'],
  ['superseded', 'Superseded'],
];

const SEX: Record<string, string> = { F: 'Female', M: 'Male', X: 'Other', U: 'Not known' };

const agencyName = (agency: string) => AGENCIES[agency] ?? agency;
const nameOf = (p: PersonSide) => (p.givenName || p.familyName ? `${p.givenName ?? ''} ${p.familyName ?? ''}`.trim() : `${agencyName(p.agency)} person ${p.personRef ?? ''}`.trim());
const words = (text: string) => text.replace(/[-_]/g, ' ');
const pairName = (item: ReviewItem) => `${nameOf(item.person)} (${agencyName(item.person.agency)}) and ${nameOf(item.candidate)} (${agencyName(item.candidate.agency)})`;

/** The two records side by side, each detail marked the same or different. */
function comparison(item: ReviewItem): HTMLElement {
  const { person: a, candidate: b } = item;
  const norm = (v: string | undefined) => (v ?? '').replace(/\s+/g, '').toLowerCase();
  const rows: [string, string | undefined, string | undefined, boolean][] = [
    ['Agency reference', a.personRef, b.personRef, false],
    ['Given name', a.givenName, b.givenName, true],
    ['Family name', a.familyName, b.familyName, true],
    ['Date of birth', a.dateOfBirth ? fmt.date(a.dateOfBirth) : undefined, b.dateOfBirth ? fmt.date(b.dateOfBirth) : undefined, true],
    ['Sex', a.sex ? (SEX[a.sex] ?? a.sex) : undefined, b.sex ? (SEX[b.sex] ?? b.sex) : undefined, true],
    ['Postcode', a.postcode, b.postcode, true],
    ['Hub subject', a.subjectId, b.subjectId, false],
  ];
  const captionId = uid('compare');
  const cell = (v: string | undefined) => (v ? v : h('span', { class: 'muted' }, 'not shown'));
  const same = (x: string | undefined, y: string | undefined): Child => {
    if (!x || !y) return h('span', { class: 'muted' }, 'cannot compare');
    return norm(x) === norm(y) ? tag('Same', 'green') : tag('Differs', 'yellow');
  };
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    h(
      'table',
      { class: 'identity-compare' },
      h('caption', { id: captionId }, `The two records compared: ${pairName(item)}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Detail'),
          h('th', { scope: 'col' }, `${agencyName(a.agency)} record`),
          h('th', { scope: 'col' }, `${agencyName(b.agency)} record`),
          h('th', { scope: 'col' }, 'Match'),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map(([label, x, y, compare]) => h('tr', null, h('th', { scope: 'row' }, label), h('td', null, cell(x)), h('td', null, cell(y)), h('td', null, compare ? same(x, y) : '—'))),
      ),
    ),
  );
}

/**
 * The identity review queue: possible matches between agencies' records of a person that
 * the hub would not link on its own. A MARAC coordinator (or the administrator) compares
 * the two records side by side with the reasons the matcher gives, and confirms (the two
 * become one person across the partnership) or rejects (they stay apart), with a reason
 * kept with the decision. The decision goes to consolidation, which applies it moments
 * later; the item leaves the queue at once and the result is announced.
 */
async function render(ctx: PageContext): Promise<Node> {
  const requested = ctx.query.get('status');
  const status = STATUSES.some(([v]) => v === requested) ? requested! : 'pending';
  const list = h('div', { class: 'identity-list' });
  const problems = h('div');
  const outcome = h('div');
  /** decided here and sent: hidden while consolidation applies them */
  const sent = new Set<string>();

  const decide = async (item: ReviewItem, form: HTMLFormElement, choice: () => string, reason: HTMLTextAreaElement, reasonError: HTMLElement, choiceError: HTMLElement) => {
    const faults: { path: string; reason: string }[] = [];
    const decision = choice();
    const text = reason.value.trim();
    if (!decision) faults.push({ path: 'decision', reason: 'choose whether they are the same person or different people' });
    if (!text) faults.push({ path: 'reason', reason: 'give the reason for your decision: it is kept with it' });
    choiceError.textContent = faults.find((f) => f.path === 'decision')?.reason ?? '';
    choiceError.hidden = !choiceError.textContent;
    reasonError.textContent = faults.find((f) => f.path === 'reason')?.reason ?? '';
    reasonError.hidden = !reasonError.textContent;
    reason.setAttribute('aria-invalid', String(!!reasonError.textContent));
    if (faults.length > 0) return show(problems, errorSummary(new ApiError(400, 'The decision is not complete', faults)));
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    submit.disabled = true;
    try {
      await ctx.api.post<{ decisionId: string }>(`/api/identity/reviews/${encodeURIComponent(item.id)}/${decision}`, PURPOSE, { reason: text });
      sent.add(item.id);
      problems.replaceChildren();
      const said =
        decision === 'confirm'
          ? `Confirmed: ${pairName(item)} are the same person. The hub is linking their records.`
          : `Rejected: ${pairName(item)} are different people. They stay apart and will not be offered again.`;
      show(outcome, h('div', { class: 'notice success', role: 'status', tabindex: -1 }, h('p', null, said)));
      ctx.announce(said);
      await load();
    } catch (error) {
      submit.disabled = false;
      if (error instanceof ApiError && error.fields.some((f) => f.path === 'reason')) {
        reasonError.textContent = error.fields.find((f) => f.path === 'reason')!.reason;
        reasonError.hidden = false;
        reason.setAttribute('aria-invalid', 'true');
      }
      show(problems, errorSummary(error));
      // decided by someone else meanwhile: show the queue as it is now
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) await load(false);
    }
  };

  const decisionForm = (item: ReviewItem): HTMLElement => {
    const name = `decision-${item.id}`;
    const confirmId = uid('confirm');
    const rejectId = uid('reject');
    const choiceError = h('span', { class: 'field-error', id: uid('error'), hidden: true });
    const reasonError = h('span', { class: 'field-error', id: uid('error'), hidden: true });
    const radio = (id: string, value: string, label: string, hint: string) => {
      const hintId = uid('hint');
      return h(
        'div',
        { class: 'radio-choice' },
        h('input', { type: 'radio', id, name, value, 'aria-describedby': `${hintId} ${choiceError.id}` }),
        h('label', { for: id }, label),
        h('span', { class: 'hint', id: hintId }, hint),
      );
    };
    const reasonId = uid('reason');
    const hintId = uid('hint');
    const reason = h('textarea', { id: reasonId, name: 'reason', rows: 3, maxlength: REASON_MAX, 'aria-describedby': `${hintId} ${reasonError.id}`, class: 'reason' });
    const form: HTMLFormElement = h(
      'form',
      {
        novalidate: true,
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          void decide(item, form, () => form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '', reason, reasonError, choiceError);
        },
      },
      h(
        'fieldset',
        null,
        h('legend', null, `Are ${nameOf(item.person)} and ${nameOf(item.candidate)} the same person?`),
        choiceError,
        radio(confirmId, 'confirm', 'Yes, the same person: link the records', 'Confirm the match. Each agency’s records then show on one person’s view.'),
        radio(rejectId, 'reject', 'No, different people: keep them apart', 'Reject the match. The hub will not offer these two again.'),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: reasonId }, 'Reason for your decision'),
        h('span', { class: 'hint', id: hintId }, 'What you checked, e.g. the same NHS number on the GP record, or a different date of birth confirmed with the agency. Kept with the decision.'),
        reasonError,
        reason,
      ),
      h('button', { type: 'submit', 'aria-label': `Record decision on ${pairName(item)}` }, 'Record decision'),
    );
    return form;
  };

  const itemOf = (item: ReviewItem): HTMLElement => {
    const headingId = uid('match');
    return h(
      'section',
      { class: 'identity-review', 'aria-labelledby': headingId, 'data-review': item.id },
      h('h2', { id: headingId }, `${nameOf(item.person)} and ${nameOf(item.candidate)}`),
      h(
        'p',
        null,
        `Possible match found ${fmt.dateTime(item.createdAt)}, score ${Math.round(item.score * 100)} out of 100. `,
        item.status === 'pending' ? tag('Waiting for a decision', 'yellow') : tag(STATUSES.find(([v]) => v === item.status)?.[1] ?? item.status, item.status === 'confirmed' ? 'green' : 'grey'),
      ),
      item.reasons.length > 0 ? [h('h3', null, 'Why the hub thinks they may be the same person'), h('ul', null, item.reasons.map((r) => h('li', null, words(r))))] : null,
      comparison(item),
      item.status === 'pending' ? decisionForm(item) : h('p', null, `Decided by ${item.decidedBy ?? 'unknown'}, ${fmt.dateTime(item.decidedAt)}.`),
    );
  };

  /** Reads the queue again and shows it. Errors come out as an error summary (or, the first time, to the page). */
  const load = async (quiet = true): Promise<void> => {
    let items: ReviewItem[];
    try {
      items = await ctx.api.get<ReviewItem[]>(`/api/identity/reviews?status=${status}`, PURPOSE);
    } catch (error) {
      if (!quiet) throw error;
      show(problems, errorSummary(error));
      return;
    }
    // still pending here while consolidation applies the decision: not shown; gone once applied
    const stillPending = new Set(items.filter((i) => i.status === 'pending').map((i) => i.id));
    for (const id of sent) if (!stillPending.has(id)) sent.delete(id);
    const shown = status === 'pending' ? items.filter((i) => !sent.has(i.id)) : items;
    list.replaceChildren(
      h('p', { class: 'count' }, shown.length === 0 ? (status === 'pending' ? 'No possible matches wait for a decision.' : 'None.') : `${shown.length} ${shown.length === 1 ? 'possible match' : 'possible matches'}.`),
      ...shown.map(itemOf),
    );
  };

  await load(false);

  const filter = select('status', STATUSES, status);
  filter.id = uid('status');
  const filterForm = h(
    'form',
    {
      class: 'inline-fields',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        ctx.navigate(filter.value === 'pending' ? '/identity' : `/identity?status=${filter.value}`);
      },
    },
    h('div', { class: 'field' }, h('label', { for: filter.id }, 'Show'), filter),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Show matches')),
  );

  return h(
    'div',
    null,
    heading(
      'Identity review',
      PURPOSE,
      'Possible matches between agencies’ records of a person that the hub will not link on its own. Compare the two records, check with the agency if you need to, and decide.',
    ),
    outcome,
    problems,
    filterForm,
    list,
  );
}

/** Shows a message box in its place and moves focus to it, so a keyboard or screen-reader user is taken there. */
function show(place: HTMLElement, box: HTMLElement): void {
  place.replaceChildren(box);
  box.focus();
}

export const identityPages: Page[] = [
  { path: '/identity', title: 'Identity review', nav: 'Identity reviews', roles: ['marac-coordinator', 'admin'], purpose: PURPOSE, render },
];
