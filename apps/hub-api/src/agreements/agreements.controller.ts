import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgreementWatch, HUB_ROLES, PolicyDecisionPoint } from '../../../../libs/isa/src';
import { Access } from '../auth/auth.guard';

export const AGREEMENT_WATCH = 'AGREEMENT_WATCH';

/** Which agreement versions are in force: not about anyone, so any role for any purpose it may use. */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/agreements')
export class AgreementsController {
  constructor(
    private readonly policy: PolicyDecisionPoint,
    @Inject(AGREEMENT_WATCH) private readonly watch: AgreementWatch,
  ) {}

  @Get()
  @Access({ roles: HUB_ROLES, purposes: ['*'] })
  @ApiOkResponse({ description: 'the agreements loaded: id, version, status, dates and purposes' })
  list() {
    return this.policy.current().map((a) => ({
      id: a.id,
      version: a.version,
      status: a.status,
      effectiveFrom: a.effectiveFrom,
      reviewBy: a.reviewBy,
      expiresOn: a.expiresOn,
      purposes: Object.keys(a.purposes),
    }));
  }

  /** Reads deploy/isa now instead of at the next poll; a bad file is refused with its faults and the versions in force stay. */
  @Post('reload')
  @HttpCode(200)
  @Access({ roles: ['admin'], purposes: ['audit.oversight'] })
  @ApiOkResponse({ description: '{changed, versions} or {changed: false, refused: the file and its faults}' })
  reload() {
    const result = this.watch.check();
    return {
      changed: result.changed,
      versions: this.policy.current().map((a) => `${a.id} ${a.version}`),
      ...(result.error ? { refused: result.error.message } : {}),
    };
  }
}
