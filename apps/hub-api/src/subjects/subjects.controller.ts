import { Controller, ForbiddenException, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HUB_ROLES } from '../../../../libs/isa/src';
import { requireUuid } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { ReadGate } from './read-gate';
import { SubjectsReader, SubjectView } from './subjects.reader';


/** Purposes that are about a person. Analytics never is: analysts get depersonalised feeds, not a person's view. */
export const PERSON_PURPOSES = [
  'marac.risk-management', 'custody.yjs-notification', 'safeguarding.school-notification', 'community-trigger.case-review', 'identity.review', 'audit.oversight', 'subject-rights.requests',
];

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('api/subjects')
export class SubjectsController {
  constructor(
    private readonly subjects: SubjectsReader,
    private readonly audit: AuditService,
    private readonly gate: ReadGate,
  ) {}

  /**
   * The multi-agency view of one person for the stated purpose, as the information-sharing
   * agreement lets this reader see it: each record cut to the agreed fields, signposts for
   * records the reader may only know exist, the rest left out. Audited with the agreement
   * version, clauses and fields released.
   */
  @Get(':subjectId')
  @Access({ roles: HUB_ROLES, purposes: PERSON_PURPOSES })
  @ApiOkResponse({ description: 'the subject as the reader may see it; a merged subject answers with the one it was merged into (`subjectId` says which)' })
  @ApiNotFoundResponse({ description: 'no such subject' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed, or nothing about this subject is shared with this reader for this purpose (audited)' })
  async view(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string): Promise<SubjectView> {
    requireUuid(subjectId, 'subjectId', 'subject id');
    const current = await this.subjects.currentId(subjectId);
    if (!current) throw new NotFoundException(`no subject ${subjectId}`);
    const refused = await this.gate.refusal(current, req.purpose);
    if (refused) {
      await this.audit.record({ user: req.user, purpose: req.purpose, action: 'subjects.view', subjectIds: [current], decision: 'denied', reason: refused });
      throw new ForbiddenException(refused);
    }
    const { view, release } = await this.subjects.view(current, { roles: req.user.roles, purpose: req.purpose });
    const base = { user: req.user, purpose: req.purpose, action: 'subjects.view', subjectIds: [current], agreement: release.agreement, released: release.released() };
    if (release.released().length === 0) {
      const reason = `nothing held about this subject is shared with ${req.user.roles.join(',')} for ${req.purpose}`;
      await this.audit.record({ ...base, decision: 'denied', reason });
      throw new ForbiddenException(reason);
    }
    await this.audit.record({ ...base, decision: release.redacted ? 'partly-redacted' : 'allowed' });
    return view;
  }
}
