import { ApiError, errorSummary } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { heading, Page, PageContext } from '../page.js';
import { agencyName, initialKind, kindName, kindSelect, KindView, loadKinds, PURPOSE } from './agency-common.js';
import { recordForm, RecordForm } from './agency-form.js';
import { renderImports } from './agency-import.js';

/**
 * An agency officer sends one record to their agency's edge through the hub, with a form
 * built from the kind's schema. The edge checks it as it checks a partner system's record:
 * a refusal names every bad field, shown beside the field with what was entered kept.
 */
async function renderRecords(ctx: PageContext): Promise<Node> {
  const agency = ctx.user.agency;
  const title = heading('Submit a record', undefined, `Records go to the ${agencyName(agency)} edge, which checks each one as it checks a record from your own system, then shares it through the hub.`);
  const kinds = await loadKinds(ctx);
  if (kinds.length === 0) return h('div', null, title, h('p', null, 'Your agency sends no records through the hub yet.'));

  const problems = h('div');
  const notice = h('div');
  const holder = h('div');
  let kind = initialKind(ctx, kinds);

  const build = () => {
    const form: RecordForm = recordForm(kind.schema);
    const name = kindName(kind);
    const titleId = uid('form-title');
    const submit = h('button', { type: 'submit' }, `Send the ${name.toLowerCase()}`);
    const send = async (event: SubmitEvent) => {
      event.preventDefault();
      problems.replaceChildren();
      form.clearFaults();
      submit.disabled = true;
      try {
        const res = await ctx.api.send('POST', `/api/agencies/${encodeURIComponent(agency)}/records/${encodeURIComponent(kind.kind)}`, PURPOSE, JSON.stringify(form.value()), 'application/json');
        const body = (await res.json()) as Record<string, string>;
        const box = sent(kind, res.status, body);
        notice.replaceChildren(box);
        // a fresh form for the next one; the notice says what went in
        build();
        box.focus();
      } catch (error) {
        notice.replaceChildren();
        const summary = errorSummary(error);
        problems.replaceChildren(summary);
        const placed = error instanceof ApiError ? form.showFaults(error.fields) : 0;
        if (placed > 0) summary.appendChild(h('p', null, 'Each is shown beside its field below; what you entered is kept.'));
        summary.focus();
      } finally {
        submit.disabled = false;
      }
    };
    replace(
      holder,
      h(
        'form',
        { novalidate: true, 'aria-labelledby': titleId, onsubmit: send },
        h('h2', { id: titleId }, `New ${name.toLowerCase()}`),
        kind.parent ? h('p', null, `The ${kind.parent.kind.replace(/-/g, ' ')} it belongs to must be recorded first.`) : null,
        h('p', { class: 'muted' }, 'Fields marked (required) must be filled in. Sending the same record twice adds nothing twice.'),
        form.element,
        submit,
      ),
    );
  };

  build();
  return h(
    'div',
    null,
    title,
    notice,
    problems,
    kindSelect(kinds, kind, '/records', (chosen) => {
      kind = chosen;
      problems.replaceChildren();
      notice.replaceChildren();
      build();
    }),
    holder,
  );
}

/** What the edge said: recorded now (201), or already recorded before (200). */
function sent(kind: KindView, status: number, body: Record<string, string>): HTMLElement {
  const name = kindName(kind);
  const ref = body[kind.refField] ?? '—';
  return h(
    'div',
    { class: 'notice success', role: 'status', tabindex: -1 },
    h('h2', null, status === 201 ? `${name} recorded` : `${name} already recorded`),
    status === 201 ? h('p', null, 'The hub has it and shares it as the information-sharing agreement allows.') : h('p', null, 'It was recorded before with the same details: nothing was added.'),
    h('dl', { class: 'summary-list' }, h('dt', null, 'Reference'), h('dd', null, ref), h('dt', null, 'Event id'), h('dd', null, body.eventId ?? '—')),
  );
}

export const agencyPages: Page[] = [
  { path: '/records', title: 'Submit a record', nav: 'Submit a record', roles: ['agency-officer'], purpose: PURPOSE, render: renderRecords },
  { path: '/imports', title: 'Bulk import', nav: 'Bulk import', roles: ['agency-officer'], purpose: PURPOSE, render: renderImports },
];
