import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { SubjectsReader, SubjectView } from './subjects.reader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('api/subjects')
export class SubjectsController {
  constructor(
    private readonly subjects: SubjectsReader,
    private readonly audit: AuditService,
  ) {}

  /** The multi-agency risk view of one person: linked agency records, chronology, flags, counts. */
  @Get(':subjectId')
  @Access({ roles: ['marac-coordinator', 'marac-member', 'custody-navigator', 'yjs-officer'], purposes: ['marac.risk-management', 'custody.yjs-notification'] })
  @ApiOkResponse({ description: 'the subject as the reader may see it; a merged subject answers with the one it was merged into (`subjectId` says which)' })
  @ApiNotFoundResponse({ description: 'no such subject' })
  @ApiForbiddenResponse({ description: 'role or purpose not allowed (audited)' })
  async view(@Req() req: AuthedRequest, @Param('subjectId') subjectId: string): Promise<SubjectView> {
    if (!UUID.test(subjectId)) throw badRequest('bad subject id', [{ path: 'subjectId', reason: 'must be a UUID' }]);
    const current = await this.subjects.currentId(subjectId);
    if (!current) throw new NotFoundException(`no subject ${subjectId}`);
    const view = await this.subjects.view(current, req.user);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'subjects.view', decision: 'allowed', subjectIds: [current] });
    return view;
  }
}
