import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Request } from 'express';
import { YJS_TEAMS, YjsTeam } from '../../../../libs/contracts/src';
import { bearerUser, HubUser, TokenService } from '../../../../libs/platform/src';

/** The TokenService of the inbox, or null when this process cannot verify hub tokens. */
export const INBOX_TOKENS = Symbol('INBOX_TOKENS');
export const INBOX_ROLES = ['yjs-officer', 'yjs-manager'];

export type InboxUser = HubUser & { team: YjsTeam };
export interface InboxRequest extends Request {
  user: InboxUser;
}

const isYjsTeam = (team: unknown): team is YjsTeam => typeof team === 'string' && (YJS_TEAMS as readonly string[]).includes(team);

/**
 * The inbox takes hub tokens (same issuer, same secret as hub-api): a valid bearer token
 * (401 otherwise), a YJS role and the team claim that says whose inbox it is (403 otherwise).
 */
@Injectable()
export class InboxAuthGuard implements CanActivate {
  constructor(@Inject(INBOX_TOKENS) private readonly tokens: TokenService | null) {}

  canActivate(context: ExecutionContext): boolean {
    // Without a secret no token can be checked: refuse plainly rather than open the inbox.
    if (!this.tokens) throw new ServiceUnavailableException('the inbox cannot verify tokens: HUB_JWT_SECRET is not set');
    const req = context.switchToHttp().getRequest<InboxRequest>();
    const user = bearerUser(this.tokens, req.headers.authorization);
    if (!user.roles.some((r) => INBOX_ROLES.includes(r))) throw new ForbiddenException(`role ${user.roles.join(',')} may not use the custody inbox`);
    if (!isYjsTeam(user.team)) throw new ForbiddenException('the token names no youth justice team');
    req.user = { ...user, team: user.team };
    return true;
  }
}
