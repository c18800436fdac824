import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { PersonDto } from '../../../../libs/contracts/src';
import { badRequest, renderPdf, uuidFaults } from '../../../../libs/platform/src';
import { rowOf } from '../audit/audit-chain';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { ConsentHistory, ConsentStore } from '../consent/consent.store';
import { recordLines } from '../subjects/record-lines';
import { SubjectsReader, SubjectView } from '../subjects/subjects.reader';

const PURPOSE = 'subject-rights.requests';

export interface AccessExport {
  subjectId: string;
  generatedAt: string;
  generatedFor: { name: string; agency: string; roles: string[] };
  agreement?: { id: string; version: string };
  /** each agency's record of the person, whole */
  persons: { agency: string; personRef: string; person: PersonDto; linkRule: string; linkedAt: string }[];
  /** every record held about the person, whole, as the agreement releases it for this purpose */
  view: SubjectView;
  consent: ConsentHistory;
  /** how the hub linked the person's agency records: every link decision and every possible match put to a reviewer */
  identity: { decisions: Record<string, unknown>[]; reviews: Record<string, unknown>[] };
  rightsRequests: Record<string, unknown>[];
  /** every decision about the person the audit log holds: who saw what, when, for which purpose, under which clause */
  disclosures: (ReturnType<typeof rowOf> & { id: string })[];
}

/**
 * The subject access export (UK GDPR Art 15; DPA 2018 s45): everything the hub holds about
 * a person and every disclosure of it, as JSON or as a PDF with the preparer's name and the
 * time on every page. For the information governance team, who consult the owning agencies
 * on exemptions before anything reaches the person. Making the export is itself audited.
 */
@ApiTags('subject rights')
@ApiBearerAuth()
@Controller('api/subjects')
export class AccessExportController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: SubjectsReader,
    private readonly consent: ConsentStore,
    private readonly audit: AuditService,
  ) {}

  @Get(':subjectId/access-export')
  @Access({ roles: ['auditor', 'admin'], purposes: [PURPOSE] })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'pdf'] })
  @ApiProduces('application/json', 'application/pdf')
  @ApiOkResponse({ description: 'the export (JSON), or the same as a PDF' })
  async export(@Req() req: AuthedRequest, @Res() res: Response, @Param('subjectId') subjectId: string, @Query('format') format = 'json'): Promise<void> {
    const faults = [
      ...uuidFaults(subjectId, 'subjectId'),
      ...(['json', 'pdf'].includes(format) ? [] : [{ path: 'format', reason: 'json or pdf' }]),
    ];
    if (faults.length) throw badRequest('bad request', faults);
    const current = await this.subjects.currentId(subjectId);
    if (!current) throw new NotFoundException(`no subject ${subjectId}`);
    const out = await this.build(req, current);
    await this.audit.record({
      user: req.user, purpose: req.purpose, action: `subjects.access-export.${format}`, decision: 'allowed', subjectIds: [current],
      agreement: out.release.agreement, released: out.release.released(),
    });
    if (format === 'json') {
      res.json(out.export);
      return;
    }
    const pdf = await renderPdf(accessExportPdf(out.export, req.user));
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `attachment; filename="subject-access-${current}.pdf"`);
    res.send(pdf);
  }

  private async build(req: AuthedRequest, subjectId: string) {
    const { view, release } = await this.subjects.view(subjectId, { roles: req.user.roles, purpose: req.purpose });
    const persons: Record<string, any>[] = await this.dataSource.query(
      `SELECT agency, person_ref, person, link_rule, linked_at FROM consolidation.persons WHERE subject_id = $1 ORDER BY agency, person_ref`,
      [subjectId],
    );
    const requests: Record<string, any>[] = await this.dataSource.query(`SELECT * FROM hub.rights_requests WHERE subject_id = $1 ORDER BY logged_at`, [subjectId]);
    const refs = [persons.map((p) => p.agency), persons.map((p) => p.person_ref)];
    const decisions: Record<string, any>[] = await this.dataSource.query(
      `SELECT decision, agency, person_ref, rule, score, decided_by, reason, decided_at FROM consolidation.link_decisions
        WHERE (agency, person_ref) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY id`,
      refs,
    );
    const reviews: Record<string, any>[] = await this.dataSource.query(
      `SELECT agency, person_ref, candidate_agency, candidate_ref, score, reasons, status, created_at, decided_at, decided_by FROM consolidation.identity_reviews
        WHERE (agency, person_ref) IN (SELECT * FROM unnest($1::text[], $2::text[])) OR (candidate_agency, candidate_ref) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY created_at`,
      refs,
    );
    const audit: Record<string, any>[] = await this.dataSource.query(`SELECT * FROM hub.audit_log WHERE subject_id = $1 ORDER BY id`, [subjectId]);
    const accessExport: AccessExport = {
      subjectId,
      generatedAt: new Date().toISOString(),
      generatedFor: { name: req.user.name, agency: req.user.agency, roles: req.user.roles },
      agreement: release.agreement,
      persons: persons.map((p) => ({ agency: p.agency, personRef: p.person_ref, person: p.person, linkRule: p.link_rule, linkedAt: new Date(p.linked_at).toISOString() })),
      view,
      consent: await this.consent.history(subjectId),
      identity: {
        decisions: decisions.map((d) => ({ decision: d.decision, agency: d.agency, personRef: d.person_ref, rule: d.rule, score: d.score, decidedBy: d.decided_by, reason: d.reason, decidedAt: new Date(d.decided_at).toISOString() })),
        reviews: reviews.map((r) => ({
          person: `${r.agency}:${r.person_ref}`, candidate: `${r.candidate_agency}:${r.candidate_ref}`, score: Number(r.score), reasons: r.reasons, status: r.status,
          createdAt: new Date(r.created_at).toISOString(), ...(r.decided_at ? { decidedAt: new Date(r.decided_at).toISOString(), decidedBy: r.decided_by } : {}),
        })),
      },
      rightsRequests: requests.map((r) => ({ id: r.id, kind: r.kind, receivedAt: new Date(r.received_at).toISOString(), status: r.status, grounds: r.grounds, decisionReason: r.decision_reason })),
      disclosures: audit.map((r) => ({ id: String(r.id), ...rowOf(r) })),
    };
    return { export: accessExport, release };
  }
}

/** The same export laid out for reading on paper. */
export function accessExportPdf(x: AccessExport, reader: { name: string; agency: string; roles: string[] }) {
  const line = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    title: 'Subject access export',
    preparedFor: { name: reader.name, role: reader.roles.join(', '), agency: reader.agency },
    preparedAt: new Date(x.generatedAt),
    sections: [
      {
        heading: 'About this export',
        facts: [
          ['Hub subject', x.subjectId],
          ['Agreement', x.agreement ? `${x.agreement.id} ${x.agreement.version}` : 'none in force'],
          ['Agency records of the person', String(x.persons.length)],
          ['Records held', String(x.view.chronology.length)],
          ['Disclosures logged', String(x.disclosures.length)],
        ] as [string, string][],
        paragraphs: ['Before release to the person, each owning agency is consulted on exemptions and third-party data; this export is not redacted.'],
      },
      {
        heading: 'The person as each agency records them',
        table: {
          columns: ['Agency', 'Reference', 'Name', 'Date of birth', 'Address', 'Linked by'],
          rows: x.persons.map((p) => [p.agency, p.personRef, `${p.person.givenName} ${p.person.familyName}`, line(p.person.dateOfBirth), [p.person.address?.line1, p.person.address?.postcode].filter(Boolean).join(', '), p.linkRule]),
        },
      },
      {
        heading: 'Records held',
        paragraphs: x.view.chronology.map((e) => `${e.agency} ${e.kind} (${e.role}): ${recordLines(e.record).join('; ')}`),
      },
      {
        heading: 'MARAC referrals and work items',
        paragraphs: [
          ...x.view.referrals.map((r) => `MARAC referral ${r.triggeredAt.slice(0, 10)}: ${r.criterion}${r.repeat ? ' (repeat)' : ''}, ${r.status}`),
          ...x.view.workItems.map((w) => `${w.rule} for ${w.ownerTeams.join(', ')} ${w.raisedAt.slice(0, 10)}: ${w.status}`),
        ].concat(x.view.referrals.length + x.view.workItems.length === 0 ? ['None.'] : []),
      },
      {
        heading: 'How the hub linked the records',
        paragraphs: [
          ...x.identity.decisions.map((d) => `${String(d.decidedAt).slice(0, 10)} ${d.agency} ${d.personRef}: ${d.decision}${d.rule ? ` (${d.rule})` : ''} by ${d.decidedBy}${d.reason ? `: ${d.reason}` : ''}`),
          ...x.identity.reviews.map((r) => `${String(r.createdAt).slice(0, 10)} possible match ${r.person} ~ ${r.candidate} (score ${r.score}): ${r.status}`),
        ].concat(x.identity.decisions.length + x.identity.reviews.length === 0 ? ['None recorded.'] : []),
      },
      {
        heading: 'Consent',
        paragraphs: [
          ...x.consent.statements.map((s) => `${s.statedAt.slice(0, 10)} ${s.purpose}: ${s.state}`),
          ...x.consent.overrides.map((o) => `${o.decidedAt.slice(0, 10)} ${o.purpose}: shared without consent by ${o.decisionMaker}: ${o.reason}`),
        ].concat(x.consent.statements.length + x.consent.overrides.length === 0 ? ['None recorded.'] : []),
      },
      {
        heading: 'Disclosures: who was shown what, and why',
        table: {
          columns: ['When (UTC)', 'Who', 'Agency', 'Purpose', 'Decision', 'Fields released'],
          rows: x.disclosures.map((d) => [
            d.at.slice(0, 16).replace('T', ' '), d.actorName, d.agency, line(d.purpose), d.decision,
            d.released.map((r) => `${r.clause}: ${r.tier === 'signpost' ? 'signpost' : r.fields.join(', ')}`).join('; ') || d.action,
          ]),
        },
      },
    ],
  };
}
