import { Body, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../../../../libs/platform/src';
import { Public } from './auth.guard';
import { DEMO_USERS } from './demo-users';
import { demoMode, TokenService } from './tokens';

@ApiTags('auth')
@Controller('api/auth')
export class DemoTokenController {
  constructor(private readonly tokens: TokenService) {}

  /** Default run only: who can sign in, for the web app's sign-in page. 404 outside demo mode. */
  @Public()
  @Get('demo-users')
  @ApiOkResponse({ description: '`[{"user", "name", "roles", "agency"}]`: the demo users (fictional people)' })
  demoUsers(): { user: string; name: string; roles: string[]; agency: string }[] {
    if (!demoMode()) throw new NotFoundException('demo users exist only in demo mode');
    return Object.entries(DEMO_USERS).map(([user, u]) => ({ user, name: u.name, roles: u.roles, agency: u.agency }));
  }

  /** Default run only: a token for one of the demo users. */
  @Public()
  @Post('demo-token')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', required: ['user'], properties: { user: { type: 'string', enum: Object.keys(DEMO_USERS) } } } })
  @ApiOkResponse({ schema: { type: 'object', properties: { token: { type: 'string' } } } })
  demoToken(@Body() body: { user?: unknown }): { token: string } {
    if (!demoMode()) throw new NotFoundException('demo tokens exist only in demo mode');
    const user = typeof body?.user === 'string' ? DEMO_USERS[body.user] : undefined;
    if (!user) throw badRequest('unknown demo user', [{ path: 'user', reason: `one of ${Object.keys(DEMO_USERS).join(', ')}` }]);
    return { token: this.tokens.sign(user) };
  }
}
