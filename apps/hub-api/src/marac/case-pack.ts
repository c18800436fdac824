import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PersonDto } from '../../../../libs/contracts/src';
import { PolicyDecisionPoint, Release } from '../../../../libs/isa/src';
import { PdfDocumentSpec, PdfSection, preparedForLine } from '../../../../libs/platform/src';
import { HubUser } from '../auth/demo-users';
import { recordLines } from '../subjects/record-lines';
import { SubjectsReader } from '../subjects/subjects.reader';
import { MaracReferralsReader } from './marac-referrals.reader';
import { MaracActionsService } from './marac-actions';
import { MaracResearchService } from './marac-research';

/** One person as the pack shows them: only the fields the reader was released. */
const personLine = (p: Partial<PersonDto> | undefined) =>
  p ? [[p.givenName, p.familyName].filter(Boolean).join(' '), p.dateOfBirth && `born ${p.dateOfBirth}`, p.address?.postcode].filter(Boolean).join(', ') || '(details not shared with you)' : '';
const ticked = (dash: unknown) => {
  const answers = (dash as { answers?: unknown[] } | undefined)?.answers;
  return Array.isArray(answers) ? `${answers.filter((a) => a === true).length} of ${answers.length} DASH questions ticked` : undefined;
};

/**
 * The case pack for one listed case, built for one reader: every part of it comes through
 * the policy decision point for that reader under MARAC (the subject view, the victim, the
 * research pre-fill), so two readers of one case can get different packs. Sections: victim,
 * perpetrator and children; DASH score and history; chronology across agencies; previous
 * MARACs; risks; each agency's research; proposed actions.
 */
@Injectable()
export class CasePackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
    private readonly subjects: SubjectsReader,
    private readonly referrals: MaracReferralsReader,
    private readonly research: MaracResearchService,
    private readonly actions: MaracActionsService,
  ) {}

  async build(referralId: string, reader: HubUser, purpose: string, now = new Date()): Promise<{ spec: PdfDocumentSpec; subjectId: string; release: Release }> {
    const release = new Release(this.policy, { roles: reader.roles, purpose, at: now });
    const [referral] = await this.referrals.list({ limit: 1, offset: 0, id: referralId }, () => release);
    if (!referral) throw new NotFoundException(`no referral ${referralId} you may see`);
    const research = await this.research.sections(referralId, release, now);
    const { view, release: viewed } = await this.subjects.view(referral.subjectId, { roles: reader.roles, purpose }, now);
    release.absorb(viewed); // one audit row for the whole pack

    const da = view.chronology.filter((e) => e.role === 'da-victim');
    const perpetrators = new Set<string>();
    const children = new Set<string>();
    for (const e of da) {
      const r = e.record as { perpetrator?: Partial<PersonDto>; childrenPresent?: Partial<PersonDto>[]; childrenInHousehold?: Partial<PersonDto>[] };
      if (r.perpetrator) perpetrators.add(personLine(r.perpetrator));
      for (const c of [...(r.childrenPresent ?? []), ...(r.childrenInHousehold ?? [])]) children.add(personLine(c));
    }
    const previous: Record<string, any>[] = await this.dataSource.query(
      `SELECT s.decision, s.decided_at, m.starts_at, s.marac_group FROM hub.marac_screenings s LEFT JOIN hub.marac_meetings m ON m.id = s.meeting_id
        WHERE s.subject_id = $1 AND s.referral_id <> $2 ORDER BY s.decided_at`,
      [referral.subjectId, referralId],
    );
    const actions = await this.actions.list({ referralId }, now);
    const sections: PdfSection[] = [
      {
        heading: 'Case',
        facts: [
          ['Meeting', `${research.startsAt.slice(0, 16).replace('T', ' ')} UTC, ${referral.listing?.group ?? ''} MARAC`],
          ['Referral', `${referral.criterion}${referral.repeat ? ' (repeat)' : ''}, ${referral.source === 'manual' ? `made by ${referral.referringAgency}` : `raised on ${referral.referringAgency}'s incident`} on ${referral.triggeredAt.slice(0, 10)}`],
          ...(referral.referralReason ? [['Why', referral.referralReason] as [string, string]] : []),
        ],
      },
      {
        heading: 'Victim, perpetrator and children',
        facts: [
          ['Victim', personLine(referral.victim)],
          ['Perpetrator', [...perpetrators].join('; ') || 'none named in what you may see'],
          ['Children', [...children].join('; ') || 'none named in what you may see'],
        ],
      },
      {
        heading: 'DASH score and history',
        paragraphs: da.length
          ? da.map((e) => `${String(e.record.occurredAt ?? e.record.disclosedAt ?? '').slice(0, 10)} ${e.agency} ${e.kind}: ${ticked(e.record.dash) ?? 'DASH not shared with you'}`)
          : ['No DA record shared with you.'],
        ...(view.flags.daVictim?.highestRiskLast12Months ? { facts: [['Highest risk in the last 12 months', view.flags.daVictim.highestRiskLast12Months]] as [string, string][] } : {}),
      },
      {
        heading: 'Chronology across agencies',
        paragraphs: [
          ...view.chronology.map((e) => `${e.agency} ${e.kind} (${e.role}): ${recordLines(e.record, { countTicks: true }).join('; ')}`),
          ...view.signposts.map((s) => `${s.agency} holds records about this person: ask its representative.`),
        ],
      },
      {
        heading: 'Previous MARACs',
        paragraphs: previous.length
          ? previous.map((p) => `${new Date(p.decided_at).toISOString().slice(0, 10)}: ${p.decision}${p.starts_at ? `, heard at the ${p.marac_group} MARAC of ${new Date(p.starts_at).toISOString().slice(0, 10)}` : ''}`)
          : ['None.'],
      },
      {
        heading: 'Risks',
        paragraphs: [
          ...Object.entries(view.flags).filter(([, v]) => v).map(([k, v]) => `${k}${typeof v === 'object' ? `: ${recordLines(v).join('; ')}` : ''}`),
          ...research.sections.filter((s) => s.submission?.risks).map((s) => `${s.agency}: ${s.submission!.risks}`),
        ],
      },
      {
        heading: 'Agency research',
        paragraphs: research.sections.map((s) =>
          s.submission ? `${s.agency}: ${s.submission.summary}${s.submission.corrections ? ` (corrections: ${s.submission.corrections})` : ''}` : `${s.agency}: ${s.status}, due ${s.dueAt.slice(0, 16).replace('T', ' ')} UTC`,
        ),
      },
      {
        heading: 'Proposed actions',
        paragraphs: actions.length
          ? actions.map((a) => `${a.ownerAgency}, due ${a.dueOn}: ${a.description} (${a.overdue ? 'OVERDUE' : a.status}${a.outcome ? `: ${a.outcome}` : ''})`)
          : ['None yet: actions agreed at the meeting are recorded in the action log.'],
      },
    ];
    const spec: PdfDocumentSpec = {
      title: `MARAC case pack`,
      preparedFor: { name: reader.name, role: reader.roles.join(', '), agency: reader.agency },
      preparedAt: now,
      sections,
    };
    return { spec, subjectId: referral.subjectId, release };
  }
}

/** The same pack as an HTML page: the reader and time at the top and foot, every value escaped. */
export function casePackHtml(spec: PdfDocumentSpec): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  const who = esc(preparedForLine(spec));
  const body = spec.sections
    .map((s) => {
      const facts = s.facts?.length ? `<dl>${s.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` : '';
      const paras = (s.paragraphs ?? []).map((p) => `<p>${esc(p)}</p>`).join('');
      const table = s.table
        ? `<table><thead><tr>${s.table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
        : '';
      return `<section><h2>${esc(s.heading)}</h2>${facts}${table}${paras}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(spec.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}.marking{font-weight:bold;text-align:center}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem;text-align:left;vertical-align:top}dt{font-weight:bold}
footer,header.who{color:#555;font-size:.9rem}@media print{header.who,footer{position:running(x)}}</style></head>
<body><p class="marking">OFFICIAL-SENSITIVE</p><header class="who">${who}</header><h1>${esc(spec.title)}</h1>
${body}
<footer>${who}</footer></body></html>`;
}
