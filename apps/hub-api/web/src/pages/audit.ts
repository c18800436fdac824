import { ApiError, errorSummary, FieldFault } from '../api.js';
import { Child, dataTable, field, fmt, h, replace, saveBlob, select, summaryList, tag, uid } from '../dom.js';
import { heading, link, Page, PageContext } from '../page.js';

const OVERSIGHT = 'audit.oversight';
const RIGHTS = 'subject-rights.requests';
const ROLES = ['auditor', 'admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZES: [string, string][] = [
  ['50', '50'],
  ['200', '200'],
  ['1000', '1,000'],
];

interface ReleasedSource {
  source: string;
  clause: string;
  tier: 'fields' | 'signpost';
  fields: string[];
  records: number;
}

/** One row of the audit log (GET /api/audit). */
interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorName: string;
  agency: string;
  roles: string[];
  purpose: string | null;
  action: string;
  decision: 'allowed' | 'partly-redacted' | 'denied';
  reason: string | null;
  subjectId: string | null;
  agreementId: string | null;
  agreementVersion: string | null;
  clauses: string[];
  released: ReleasedSource[];
  hash: string;
}

interface ChainReport {
  ok: boolean;
  rows: number;
  lastHash: string;
  brokenAt?: { id: string; reason: string };
}

/** The subject access export as JSON (GET /api/subjects/:id/access-export): what the summary reads of it. */
interface AccessExport {
  subjectId: string;
  generatedAt: string;
  generatedFor: { name: string; agency: string; roles: string[] };
  agreement?: { id: string; version: string };
  persons: { agency: string; personRef: string; person: { givenName?: string; familyName?: string; dateOfBirth?: string; address?: { postcode?: string } }; linkRule: string; linkedAt: string }[];
  view: { chronology?: unknown[]; referrals?: unknown[]; workItems?: unknown[] };
  consent: { statements?: unknown[]; overrides?: unknown[] };
  identity: { decisions?: unknown[]; reviews?: unknown[] };
  rightsRequests: unknown[];
  disclosures: Omit<AuditEntry, 'hash'>[];
}

interface RightsRequest {
  id: string;
  subjectId: string;
  kind: 'erasure' | 'restriction';
  receivedAt: string;
  dueBy: string;
  grounds: string;
  loggedBy: string;
  status: 'pending' | 'approved' | 'refused';
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

const DECISIONS: Record<AuditEntry['decision'], [string, 'green' | 'yellow' | 'red']> = {
  allowed: ['Allowed', 'green'],
  'partly-redacted': ['Partly redacted', 'yellow'],
  denied: ['Denied', 'red'],
};

const decisionTag = (d: AuditEntry['decision']) => tag(...(DECISIONS[d] ?? [d, 'grey']));

const released = (r: ReleasedSource[]): Child =>
  r.length === 0 ? '—' : r.map((s, i) => [i > 0 ? h('br') : null, `${s.source} (${s.clause}): `, s.tier === 'signpost' ? 'signpost only' : s.fields.join(', ') || 'no fields', s.records ? `; ${s.records} record(s)` : '']);

/** A day the user picked, as the instant it starts in their (UK) time; `nextDay` for an inclusive end. */
function dayStart(value: string, nextDay = false): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + (nextDay ? 1 : 0)).toISOString();
}

/** Marks a form's fields bad (or good again) from a list of faults by field name. */
function markFields(form: HTMLFormElement, faults: FieldFault[]): void {
  for (const control of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))) {
    const wrapper = control.closest('.field');
    wrapper?.querySelector('.field-error')?.remove();
    const fault = faults.find((f) => f.path === control.name);
    const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.startsWith('error-'));
    if (fault) {
      const message = h('span', { class: 'field-error', id: uid('error') }, fault.reason);
      control.before(message);
      describedBy.push(message.id);
    }
    control.setAttribute('aria-invalid', String(!!fault));
    if (describedBy.length > 0) control.setAttribute('aria-describedby', describedBy.join(' '));
    else control.removeAttribute('aria-describedby');
  }
}

function showProblem(place: HTMLElement, error: unknown): void {
  const box = errorSummary(error);
  place.replaceChildren(box);
  box.focus();
}

/**
 * Audit search for auditors and the administrator: who read or was refused what about whom,
 * for which purpose, under which agreement clause, with the fields released. Filter by
 * subject, user and dates; check that the hash chain holds (nothing edited, removed or
 * inserted). Every search here is itself written to the log.
 */
async function renderSearch(ctx: PageContext): Promise<Node> {
  const q = ctx.query;
  const subjectId = h('input', { type: 'text', name: 'subjectId', value: q.get('subjectId') ?? '', autocomplete: 'off', spellcheck: 'false', size: 38 });
  const actor = h('input', { type: 'text', name: 'actor', value: q.get('actor') ?? '', autocomplete: 'off', spellcheck: 'false' });
  const from = h('input', { type: 'date', name: 'from', value: q.get('from') ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: q.get('to') ?? '' });
  const limit = select('limit', PAGE_SIZES, PAGE_SIZES.some(([v]) => v === q.get('limit')) ? q.get('limit')! : '200');
  let offset = Math.max(0, Number(q.get('offset')) || 0);

  const problems = h('div');
  const results = h('div', { class: 'audit-results' });
  const chainResult = h('div');

  const search = async (focusResults: boolean): Promise<void> => {
    const faults: FieldFault[] = [];
    const subject = subjectId.value.trim();
    if (subject && !UUID.test(subject)) faults.push({ path: 'subjectId', reason: 'a subject id is a UUID, like 0b7e3c1a-…: copy it from the person’s page or an audit entry' });
    if (from.value && to.value && from.value > to.value) faults.push({ path: 'to', reason: 'the last day is before the first' });
    markFields(form, faults);
    if (faults.length > 0) return showProblem(problems, new ApiError(400, 'Check the search', faults));

    const params = new URLSearchParams();
    if (subject) params.set('subjectId', subject);
    if (actor.value.trim()) params.set('actor', actor.value.trim());
    if (from.value) params.set('from', dayStart(from.value));
    if (to.value) params.set('to', dayStart(to.value, true));
    params.set('limit', limit.value);
    params.set('offset', String(offset));
    // the search stays in the address, so a reload or a bookmark shows the same
    const shown = new URLSearchParams();
    for (const [k, v] of [['subjectId', subject], ['actor', actor.value.trim()], ['from', from.value], ['to', to.value]]) if (v) shown.set(k, v);
    if (limit.value !== '200') shown.set('limit', limit.value);
    if (offset) shown.set('offset', String(offset));
    history.replaceState(null, '', `#/audit${shown.toString() ? `?${shown}` : ''}`);

    let entries: AuditEntry[];
    try {
      entries = await ctx.api.get<AuditEntry[]>(`/api/audit?${params}`, OVERSIGHT);
    } catch (error) {
      if (error instanceof ApiError) markFields(form, error.fields);
      return showProblem(problems, error);
    }
    problems.replaceChildren();
    const size = Number(limit.value);
    const first = offset + 1;
    const describe = [subject && `subject ${subject}`, actor.value.trim() && `user ${actor.value.trim()}`, from.value && `from ${fmt.date(from.value)}`, to.value && `to ${fmt.date(to.value)}`].filter(Boolean).join(', ');
    const count = h(
      'p',
      { class: 'count', tabindex: -1 },
      entries.length === 0 ? 'No audit entries match.' : `${offset === 0 && entries.length === 1 ? 'One entry' : `Entries ${fmt.number(first)} to ${fmt.number(offset + entries.length)}`}, newest first${describe ? `, for ${describe}` : ''}.`,
    );
    const pager = h(
      'div',
      { class: 'pager' },
      offset > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => { offset = Math.max(0, offset - size); void search(true); } }, 'Newer entries') : null,
      entries.length === size ? h('button', { type: 'button', class: 'secondary', onclick: () => { offset += size; void search(true); } }, 'Older entries') : null,
    );
    replace(
      results,
      count,
      dataTable<AuditEntry>(
        'Audit entries',
        [
          { label: 'Entry', value: (e) => e.id, numeric: true },
          { label: 'When', value: (e) => fmt.dateTime(e.at) },
          { label: 'Who', value: (e) => [h('strong', null, e.actorName), h('br'), e.actor, ', ', e.agency, h('br'), e.roles.join(', ')] },
          { label: 'Purpose', value: (e) => e.purpose ?? '—' },
          { label: 'Action', value: (e) => h('code', null, e.action) },
          { label: 'Decision', value: (e) => [decisionTag(e.decision), e.reason ? [h('br'), e.reason] : null] },
          {
            label: 'Subject',
            value: (e) =>
              e.subjectId
                ? [
                    h('span', { class: 'audit-id' }, e.subjectId),
                    h('br'),
                    link(`/audit?subjectId=${e.subjectId}`, 'All entries', h('span', { class: 'visually-hidden' }, ` about subject ${e.subjectId}`)),
                  ]
                : '—',
          },
          { label: 'Agreement', value: (e) => (e.agreementId ? [`${e.agreementId} ${e.agreementVersion ?? ''}`, e.clauses.length ? [h('br'), e.clauses.join(', ')] : null] : '—') },
          { label: 'Released', value: (e) => released(e.released) },
        ],
        entries,
        'No audit entries match.',
      ),
      subject && UUID.test(subject) ? h('p', null, link(`/audit/access-export?subjectId=${subject}`, 'Prepare the subject access export for this subject')) : null,
      pager,
    );
    if (focusResults) count.focus();
  };

  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        offset = 0;
        void search(true);
      },
    },
    h(
      'fieldset',
      null,
      h('legend', null, 'Search the audit log'),
      h(
        'div',
        { class: 'inline-fields' },
        field('Subject id', subjectId, 'The hub’s id for the person (a UUID)'),
        field('User', actor, 'Their user id, e.g. yjs-hartlepool'),
      ),
      h('div', { class: 'inline-fields' }, field('From', from, 'First day, UK time'), field('To', to, 'Last day, included'), field('Entries per page', limit)),
      h('button', { type: 'submit' }, 'Search'),
    ),
  );

  const verify = h('button', { type: 'button', class: 'secondary' }, 'Verify the audit chain');
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    chainResult.replaceChildren(h('p', { role: 'status' }, 'Checking every entry…'));
    try {
      const report = await ctx.api.get<ChainReport>('/api/audit/verify', OVERSIGHT);
      const box = report.ok
        ? h(
            'div',
            { class: 'notice success', tabindex: -1 },
            h('p', null, h('strong', null, 'The audit chain is intact.'), ` ${fmt.number(report.rows)} entries checked: none has been edited, removed, inserted or reordered.`),
            h('p', null, 'Latest hash: ', h('code', { class: 'audit-id' }, report.lastHash)),
          )
        : h(
            'div',
            { class: 'error-summary', tabindex: -1 },
            h('h3', null, 'The audit chain is broken'),
            h('p', null, `At entry ${report.brokenAt?.id ?? '?'}: ${report.brokenAt?.reason ?? 'the hash does not hold'}. Entries from there on cannot be relied on; report it to the hub’s information governance lead.`),
            h('p', null, `${fmt.number(report.rows)} entries checked.`),
          );
      chainResult.replaceChildren(box);
      box.focus();
      ctx.announce(report.ok ? `The audit chain is intact: ${report.rows} entries checked` : `The audit chain is broken at entry ${report.brokenAt?.id}`);
    } catch (error) {
      showProblem(chainResult, error);
    } finally {
      verify.disabled = false;
    }
  });

  await search(false);

  return h(
    'div',
    null,
    heading('Audit log', OVERSIGHT, 'Every read, delivery and refusal about a person: who, which subject, for which purpose, under which clause, with the fields released. Your searches are logged too.'),
    problems,
    form,
    results,
    h('h2', null, 'Is the log intact?'),
    h('p', null, 'Each entry carries a hash of itself and of the entry before it. Verifying recomputes the whole chain, so any change to the log shows.'),
    verify,
    chainResult,
  );
}

/** What the JSON export holds, at a glance, under the download. */
function exportSummary(x: AccessExport, fileName: string): HTMLElement {
  const n = (list: unknown[] | undefined) => fmt.number(list?.length ?? 0);
  const names = [...new Set(x.persons.map((p) => `${p.person.givenName ?? ''} ${p.person.familyName ?? ''}`.trim()).filter(Boolean))];
  return h(
    'section',
    { 'aria-labelledby': 'export-summary' },
    h('h2', { id: 'export-summary', tabindex: -1 }, `Export for ${names.join(' / ') || x.subjectId}`),
    h('p', { class: 'notice success' }, `Downloaded ${fileName}. It is not redacted: consult each owning agency on exemptions before anything reaches the person.`),
    summaryList([
      ['Hub subject', h('span', { class: 'audit-id' }, x.subjectId)],
      ['Prepared', `${fmt.dateTime(x.generatedAt)} for ${x.generatedFor.name}`],
      ['Agreement', x.agreement ? `${x.agreement.id} ${x.agreement.version}` : 'none in force'],
      ['Agency records of the person', n(x.persons)],
      ['Records held', n(x.view?.chronology)],
      ['MARAC referrals and work items', fmt.number((x.view?.referrals?.length ?? 0) + (x.view?.workItems?.length ?? 0))],
      ['Consent statements and overrides', fmt.number((x.consent?.statements?.length ?? 0) + (x.consent?.overrides?.length ?? 0))],
      ['Identity decisions and reviews', fmt.number((x.identity?.decisions?.length ?? 0) + (x.identity?.reviews?.length ?? 0))],
      ['Rights requests', n(x.rightsRequests)],
      ['Disclosures logged', n(x.disclosures)],
    ]),
    dataTable(
      'The person as each agency records them',
      [
        { label: 'Agency', value: (p) => p.agency },
        { label: 'Reference', value: (p) => p.personRef },
        { label: 'Name', value: (p) => `${p.person.givenName ?? ''} ${p.person.familyName ?? ''}`.trim() || '—' },
        { label: 'Date of birth', value: (p) => fmt.date(p.person.dateOfBirth) },
        { label: 'Postcode', value: (p) => p.person.address?.postcode ?? '—' },
        { label: 'Linked by', value: (p) => p.linkRule.replace(/-/g, ' ') },
      ],
      x.persons,
      'The hub holds no agency record of this person.',
    ),
    dataTable(
      'Disclosures: who was shown what, and why (newest first)',
      [
        { label: 'When', value: (d) => fmt.dateTime(d.at) },
        { label: 'Who', value: (d) => [d.actorName, h('br'), d.agency] },
        { label: 'Purpose', value: (d) => d.purpose ?? '—' },
        { label: 'Action', value: (d) => h('code', null, d.action) },
        { label: 'Decision', value: (d) => decisionTag(d.decision) },
        { label: 'Fields released', value: (d) => released(d.released) },
      ],
      [...x.disclosures].reverse(),
      'No disclosures logged.',
    ),
  );
}

/**
 * The subject access export (UK GDPR Art 15) for the information governance team: everything
 * the hub holds about a person and every disclosure of it, as a PDF to read or as JSON with
 * a summary here. Making it is audited. Below, the erasure and restriction requests in hand.
 */
async function renderExport(ctx: PageContext): Promise<Node> {
  const subjectId = h('input', { type: 'text', name: 'subjectId', value: ctx.query.get('subjectId') ?? '', autocomplete: 'off', spellcheck: 'false', size: 38 });
  subjectId.id = 'export-subject';
  const problems = h('div');
  const result = h('div');
  const formatName = 'export-format';
  const radio = (value: string, label: string, hint: string, checked = false) => {
    const id = uid('format');
    const hintId = uid('hint');
    return h(
      'div',
      { class: 'radio-choice' },
      h('input', { type: 'radio', id, name: formatName, value, checked, 'aria-describedby': hintId }),
      h('label', { for: id }, label),
      h('span', { class: 'hint', id: hintId }, hint),
    );
  };

  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const id = subjectId.value.trim();
        const format = form.querySelector<HTMLInputElement>(`input[name="${formatName}"]:checked`)?.value ?? 'json';
        const faults: FieldFault[] = id ? (UUID.test(id) ? [] : [{ path: 'subjectId', reason: 'a subject id is a UUID, like 0b7e3c1a-…' }]) : [{ path: 'subjectId', reason: 'enter the subject id of the person who asked' }];
        markFields(form, faults);
        if (faults.length > 0) return showProblem(problems, new ApiError(400, 'Check the subject id', faults));
        const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        submit.disabled = true;
        result.replaceChildren(h('p', { role: 'status' }, 'Preparing the export…'));
        try {
          const blob = await ctx.api.blob(`/api/subjects/${encodeURIComponent(id)}/access-export?format=${format}`, RIGHTS);
          const fileName = `subject-access-${id}.${format}`;
          saveBlob(blob, fileName);
          problems.replaceChildren();
          history.replaceState(null, '', `#/audit/access-export?subjectId=${id}`);
          if (format === 'json') {
            const summary = exportSummary(JSON.parse(await blob.text()) as AccessExport, fileName);
            result.replaceChildren(summary);
            summary.querySelector<HTMLElement>('h2')?.focus();
          } else {
            const done = h('p', { class: 'notice success', tabindex: -1 }, `Downloaded ${fileName}. It is not redacted: consult each owning agency on exemptions before anything reaches the person.`);
            result.replaceChildren(done);
            done.focus();
          }
          ctx.announce(`Subject access export downloaded: ${fileName}`);
        } catch (error) {
          result.replaceChildren();
          if (error instanceof ApiError) markFields(form, error.fields);
          showProblem(problems, error);
        } finally {
          submit.disabled = false;
        }
      },
    },
    field('Subject id', subjectId, 'The hub’s id for the person (a UUID), from the audit log or the request'),
    h(
      'fieldset',
      null,
      h('legend', null, 'Format'),
      radio('pdf', 'PDF', 'To read, with your name and the time on every page', true),
      radio('json', 'JSON', 'Machine-readable, with a summary on this page'),
    ),
    h('button', { type: 'submit' }, 'Download the export'),
  );

  // the erasure and restriction requests in hand, oldest due first
  const requests = h('div');
  try {
    const list = await ctx.api.get<RightsRequest[]>('/api/subject-rights/requests?status=pending', RIGHTS);
    requests.replaceChildren(
      dataTable<RightsRequest>(
        'Erasure and restriction requests waiting for a decision, oldest due first',
        [
          { label: 'Due by', value: (r) => fmt.date(r.dueBy) },
          { label: 'Request', value: (r) => [r.kind === 'erasure' ? 'Erasure' : 'Restriction', h('br'), `received ${fmt.date(r.receivedAt)}`] },
          { label: 'Grounds', value: (r) => r.grounds },
          { label: 'Logged by', value: (r) => r.loggedBy },
          {
            label: 'Subject',
            value: (r) => [h('span', { class: 'audit-id' }, r.subjectId), h('br'), link(`/audit/access-export?subjectId=${r.subjectId}`, 'Export', h('span', { class: 'visually-hidden' }, ` for subject ${r.subjectId}`))],
          },
        ],
        list,
        'No erasure or restriction requests are waiting.',
      ),
    );
  } catch (error) {
    requests.replaceChildren(errorSummary(error));
  }

  return h(
    'div',
    null,
    heading(
      'Subject access export',
      RIGHTS,
      'Everything the hub holds about a person and every disclosure of it, for a subject access request (UK GDPR Art 15; DPA 2018 s45). Making the export is recorded in the audit log.',
    ),
    problems,
    form,
    result,
    h('h2', null, 'Rights requests'),
    requests,
  );
}

export const auditPages: Page[] = [
  { path: '/audit', title: 'Audit log', nav: 'Audit', roles: ROLES, purpose: OVERSIGHT, render: renderSearch },
  { path: '/audit/access-export', title: 'Subject access export', nav: 'Subject access', roles: ROLES, purpose: RIGHTS, render: renderExport },
];
