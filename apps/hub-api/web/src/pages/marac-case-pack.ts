import { errorSummary } from '../api.js';
import { Child, h, replace, saveBlob, summaryList, uid } from '../dom.js';
import { heading, link, PageContext } from '../page.js';
import { PURPOSE } from './marac-common.js';

/**
 * The case pack hub-api builds for this reader (GET /api/marac/referrals/{id}/case-pack):
 * its HTML is parsed into an inert document and only its text is copied into the app's
 * own elements, section by section, so nothing in it can become markup or script here.
 */
export function transcribeCasePack(html: string, level: 'h2' | 'h3'): HTMLElement {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const text = (e: Element | null | undefined) => (e?.textContent ?? '').trim();
  const sections = Array.from(doc.querySelectorAll('section')).map((section) => {
    const title = text(section.querySelector('h2'));
    const id = uid('pack');
    const parts: Child[] = [h(level, { id }, title)];
    for (const child of Array.from(section.children)) {
      if (child.tagName === 'DL') {
        const items: [string, Child][] = [];
        let label = '';
        for (const item of Array.from(child.children)) {
          if (item.tagName === 'DT') label = text(item);
          else if (item.tagName === 'DD') items.push([label, text(item)]);
        }
        parts.push(summaryList(items));
      } else if (child.tagName === 'TABLE') {
        const columns = Array.from(child.querySelectorAll('thead th')).map(text);
        const rows = Array.from(child.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map(text));
        const captionId = uid('table');
        parts.push(
          h(
            'div',
            { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
            h(
              'table',
              null,
              h('caption', { id: captionId }, title),
              h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', null, c))))),
            ),
          ),
        );
      } else if (child.tagName !== 'H2' && text(child)) {
        parts.push(h('p', null, text(child)));
      }
    }
    return h('section', { 'aria-labelledby': id }, parts);
  });
  const marking = text(doc.querySelector('.marking'));
  const preparedFor = text(doc.querySelector('header.who'));
  return h(
    'div',
    { class: 'case-pack' },
    marking ? h('p', null, h('strong', null, marking)) : null,
    preparedFor ? h('p', { class: 'muted' }, preparedFor) : null,
    sections.length > 0 ? sections : h('p', { class: 'muted' }, 'The case pack came back empty.'),
  );
}

const casePackUrl = (referralId: string) => `/api/marac/referrals/${encodeURIComponent(referralId)}/case-pack`;

/** Downloads the case pack as the PDF hub-api renders, with the reader's name on every page. */
export async function downloadCasePack(ctx: PageContext, referralId: string): Promise<void> {
  saveBlob(await ctx.api.blob(`${casePackUrl(referralId)}?format=pdf`, PURPOSE), `marac-case-pack-${referralId}.pdf`);
  ctx.announce('The case pack PDF has been downloaded');
}

/**
 * The case pack panel: show the pack here (at once when `autoLoad`, else on request) and
 * download it as a PDF. Every opening is audited by the hub with what it released.
 */
export function casePackPanel(ctx: PageContext, referralId: string, options: { autoLoad: boolean; level: 'h2' | 'h3' }): { panel: HTMLElement; loaded: Promise<void> } {
  const problems = h('div');
  const content = h('div');
  const show = async () => {
    replace(content, h('p', { role: 'status' }, 'Loading the case pack…'));
    try {
      const res = await ctx.api.send('GET', casePackUrl(referralId), PURPOSE);
      replace(content, transcribeCasePack(await res.text(), options.level));
      problems.replaceChildren();
      showButton.textContent = 'Show the case pack again';
      if (!options.autoLoad) {
        // the user asked for it: take them to its first heading
        const first = content.querySelector<HTMLElement>(options.level);
        first?.setAttribute('tabindex', '-1');
        first?.focus();
      }
    } catch (error) {
      content.replaceChildren();
      problems.replaceChildren(errorSummary(error));
      (problems.firstElementChild as HTMLElement | null)?.focus();
    }
  };
  const showButton = h('button', { type: 'button', class: 'secondary', onclick: () => void show() }, 'Show the case pack');
  const download = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        download.disabled = true;
        try {
          await downloadCasePack(ctx, referralId);
          problems.replaceChildren();
        } catch (error) {
          problems.replaceChildren(errorSummary(error));
          (problems.firstElementChild as HTMLElement | null)?.focus();
        } finally {
          download.disabled = false;
        }
      },
    },
    'Download the case pack (PDF)',
  );
  const panel = h(
    'div',
    null,
    h('p', null, 'The case pack is built for you: only what the information-sharing agreement gives your role, with your name and the time on it. Each opening is recorded.'),
    h('div', null, options.autoLoad ? null : showButton, download),
    problems,
    content,
  );
  const loaded = options.autoLoad ? show() : Promise.resolve();
  return { panel, loaded };
}

/** The case pack as a page of its own (for MARAC members from the agenda, and the coordinator). */
export async function renderCasePackPage(ctx: PageContext): Promise<Node> {
  const meeting = ctx.query.get('meeting');
  const back = meeting && /^[0-9a-f-]{36}$/i.test(meeting) ? h('p', null, link(`/marac/meetings/${meeting}`, 'Back to the meeting agenda')) : null;
  const { panel, loaded } = casePackPanel(ctx, ctx.params.id, { autoLoad: true, level: 'h2' });
  await loaded;
  return h(
    'div',
    null,
    back,
    heading('MARAC case pack', PURPOSE, 'One case listed at a MARAC meeting: victim, perpetrator and children, DASH history, the chronology across agencies, previous MARACs, risks, each agency’s research and the actions proposed.'),
    ctx.session.has('marac-coordinator') ? h('p', null, link(`/marac/referrals/${ctx.params.id}`, 'Open the referral')) : null,
    panel,
  );
}
