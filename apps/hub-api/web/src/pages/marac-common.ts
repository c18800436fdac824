import { ApiError, errorSummary } from '../api.js';
import { Child, fmt, h, tag, uid } from '../dom.js';

/** The ISA purpose every MARAC page reads and writes under. */
export const PURPOSE = 'marac.risk-management';

export const GROUPS = ['north', 'south'] as const;
export type Group = (typeof GROUPS)[number];

export const GROUP_NAMES: Record<string, string> = {
  north: 'North MARAC (Hartlepool and Stockton-on-Tees)',
  south: 'South MARAC (Middlesbrough and Redcar and Cleveland)',
};
export const groupName = (group: string | undefined) => (group ? (GROUP_NAMES[group] ?? `${group} MARAC`) : 'MARAC');
export const groupShort = (group: string | undefined) => (group ? `${group.charAt(0).toUpperCase()}${group.slice(1)} MARAC` : 'MARAC');

/** A person as an agency sent them, cut to what the reader may see. */
export interface Person {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  sex?: string;
  address?: { line1?: string; postcode?: string };
}

/** GET /api/marac/referrals, one row (marac-referrals.reader.ts). */
export interface Referral {
  id: string;
  subjectId: string;
  source: 'automatic' | 'manual';
  referringAgency: string;
  referralReason?: string;
  victim: Person & { agency: string };
  criterion: string;
  repeat: boolean;
  incidentRefs: string[];
  triggerIncidentRef?: string;
  triggeredAt: string;
  createdAt: string;
  status: string;
  listing?: { group: string; meetingId: string; startsAt: string };
  screening?: { decidedBy: string; decidedAt: string; reason?: string; mergedInto?: string };
}

/** The SafeLives referral routes, in words (domain.md, MARAC). */
export const CRITERIA: Record<string, { name: string; explanation: string }> = {
  'visible-high-risk': { name: 'Visible high risk', explanation: '14 or more of the DASH risk questions ticked' },
  escalation: { name: 'Potential escalation', explanation: '3 or more domestic abuse incidents within 12 months, reported by any agency' },
  repeat: { name: 'Repeat', explanation: 'a further incident within 12 months of the victim’s last MARAC referral' },
  'professional-judgement': { name: 'Professional judgement', explanation: 'a professional judged the risk high, whatever the DASH score' },
};

export const criterionName = (criterion: string) => CRITERIA[criterion]?.name ?? criterion;

export function criterionCell(criterion: string): Child {
  const known = CRITERIA[criterion];
  return known ? [h('strong', null, known.name), h('br'), h('span', { class: 'muted' }, known.explanation)] : criterion;
}

/** Referral statuses: label, tag colour, and the filter's words. */
export const STATUSES: Record<string, { label: string; colour: 'red' | 'green' | 'blue' | 'yellow' | 'grey'; filter: string }> = {
  new: { label: 'New: to screen', colour: 'blue', filter: 'New: to screen' },
  accepted: { label: 'Accepted', colour: 'green', filter: 'Accepted: listed at a meeting' },
  rejected: { label: 'Rejected', colour: 'grey', filter: 'Rejected' },
  merged: { label: 'Merged', colour: 'grey', filter: 'Merged into another referral' },
  withdrawn: { label: 'Withdrawn', colour: 'yellow', filter: 'Withdrawn: its grounds went' },
};

export const statusTag = (status: string) => tag(STATUSES[status]?.label ?? status, STATUSES[status]?.colour ?? 'grey');

/** Agencies by the ids the hub uses for them. */
const AGENCIES: Record<string, string> = {
  police: 'Cleveland Police',
  fire: 'Cleveland Fire Brigade',
  housing: 'Housing (Thirteen)',
  treatment: 'Drug and alcohol treatment',
  'youth-justice': 'Youth justice',
  harbour: 'Harbour (IDVAs)',
  hbc: 'Hartlepool Borough Council',
  probation: 'Probation',
  health: 'Health (ICB)',
  'childrens-services': 'Children’s services',
};
export const agencyName = (agency: string | undefined) => (agency ? (AGENCIES[agency] ?? agency.replace(/-/g, ' ')) : '—');

export const personName = (p: Person | undefined) => [p?.givenName, p?.familyName].filter(Boolean).join(' ');

/** The victim's name as the reader may see it, or who holds them when the name is not shared. */
export const victimName = (v: (Person & { agency?: string }) | undefined) => personName(v) || `Victim known to ${agencyName(v?.agency)} (name not shared with you)`;

/** Date of birth and postcode, when the reader may see them. */
export function victimDetails(v: Person | undefined): string {
  return [v?.dateOfBirth ? `born ${fmt.date(v.dateOfBirth)}` : '', v?.address?.postcode ?? ''].filter(Boolean).join(', ');
}

/** "Raised by the hub on Cleveland Police's incident CP-DA-1", "Made by Housing (Thirteen)". */
export function referredBy(r: Referral): string {
  if (r.source === 'manual') return `Made by ${agencyName(r.referringAgency)} on professional judgement`;
  return `Raised by the hub on ${agencyName(r.referringAgency)}’s incident${r.triggerIncidentRef ? ` ${r.triggerIncidentRef}` : ''}`;
}

/** Incident references one to a line, each kept whole (they are hyphenated). */
export function incidentRefs(refs: string[]): Child {
  return refs.map((ref, i) => [i > 0 ? h('br') : null, h('span', { class: 'marac-ref' }, ref)]);
}

export const meetingWhen = (startsAt: string) => fmt.dateTime(startsAt);
/** Research is due two days before the meeting (marac-research.ts). */
export const researchDueBy = (startsAt: string) => fmt.dateTime(new Date(Date.parse(startsAt) - 2 * 86_400_000).toISOString());

export const riskTag = (risk: string | null | undefined) =>
  risk === 'high' ? tag('High', 'red') : risk === 'medium' ? tag('Medium', 'yellow') : risk ? tag(`${risk.charAt(0).toUpperCase()}${risk.slice(1)}`, 'grey') : '—';

/** A one-shot message for the next rendering of a page (after an action refreshed it). */
let flash: { key: string; text: string } | null = null;
export function setFlash(key: string, text: string): void {
  flash = { key, text };
}
export function takeFlash(key: string): HTMLElement | null {
  if (!flash || flash.key !== key) return null;
  const text = flash.text;
  flash = null;
  return h('div', { class: 'notice success', role: 'status' }, h('p', null, text));
}

/** Takes off the errors a form showed last time. */
export function clearFormErrors(form: HTMLFormElement, box: HTMLElement): void {
  box.replaceChildren();
  form.querySelectorAll('[data-field-error]').forEach((e) => e.remove());
  form.querySelectorAll<HTMLElement>('[aria-invalid="true"]').forEach((control) => {
    control.removeAttribute('aria-invalid');
    const base = control.dataset.describedbyBase;
    if (base) control.setAttribute('aria-describedby', base);
    else control.removeAttribute('aria-describedby');
  });
}

/**
 * Shows what the API said was wrong: the error summary (focused, so it is heard at once)
 * and, beside each control the API named, its reason, tied to the control by aria-describedby.
 */
export function showFormErrors(form: HTMLFormElement, box: HTMLElement, error: unknown): void {
  clearFormErrors(form, box);
  const summary = errorSummary(error);
  box.replaceChildren(summary);
  if (error instanceof ApiError) {
    const byPath = new Map<string, Set<string>>();
    for (const f of error.fields) byPath.set(f.path, (byPath.get(f.path) ?? new Set()).add(f.reason));
    for (const [path, reasons] of byPath) {
      const control = Array.from(form.querySelectorAll<HTMLElement>('[name]')).find((c) => c.getAttribute('name') === path);
      if (!control) continue;
      const id = uid('error');
      control.before(h('span', { class: 'field-error', id, 'data-field-error': true }, h('span', { class: 'visually-hidden' }, 'Error: '), [...reasons].join('; ')));
      const base = control.getAttribute('aria-describedby') ?? '';
      control.dataset.describedbyBase = base;
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [base, id].filter(Boolean).join(' '));
    }
  }
  summary.focus();
}

/**
 * A form that sends to the API: its submit button is disabled while the call runs, errors
 * go to the form's own error box, and `done` runs on success.
 */
export function apiForm(
  attrs: { label: string; submit: string; submitClass?: string },
  controls: Child[],
  send: (form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const box = h('div');
  const button = h('button', { type: 'submit', class: attrs.submitClass ?? null }, attrs.submit);
  const form: HTMLFormElement = h(
    'form',
    {
      'aria-label': attrs.label,
      class: 'marac-form',
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        if (button.disabled) return;
        button.disabled = true;
        try {
          await send(form);
          clearFormErrors(form, box);
        } catch (error) {
          showFormErrors(form, box, error);
        } finally {
          button.disabled = false;
        }
      },
    },
    box,
    controls,
    button,
  );
  return form;
}

/** The value of a named control in a form, trimmed; undefined when empty. */
export function valueOf(form: HTMLFormElement, name: string): string | undefined {
  const control = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;
  const value = control?.value.trim();
  return value ? value : undefined;
}
