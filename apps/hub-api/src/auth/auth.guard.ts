import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { badRequest, bearerUser } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { HubUser } from './demo-users';
import { PolicyDecisionPoint } from '../../../../libs/isa/src';
import { TokenService } from './tokens';

export interface AccessRule {
  roles: string[];
  /** the purposes the route serves; `*`: any purpose the agreement lets the role use (routes about no one) */
  purposes: string[];
}

export const ACCESS = 'hub:access';
export const PUBLIC = 'hub:public';

/** The roles allowed on a route and the purposes it serves. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS, rule);
/** A route with no token (demo sign-in). */
export const Public = () => SetMetadata(PUBLIC, true);

export interface AuthedRequest extends Request {
  user: HubUser;
  purpose: string;
}

/**
 * Every /api route: a valid bearer token (401 otherwise), an `X-Purpose` header, a role the
 * route allows and a purpose that role may use (403 otherwise, audited). Default deny: a
 * route without an @Access rule is refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly policy: PolicyDecisionPoint,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    // Operational endpoints (/health, /metrics) say nothing about people.
    if (!req.path.startsWith('/api/')) return true;
    const user = bearerUser(this.tokens, req.headers.authorization);
    const purpose = req.headers['x-purpose'];
    if (typeof purpose !== 'string' || purpose.length === 0) {
      throw badRequest('state the purpose of this request', [{ path: 'X-Purpose', reason: 'required header: an ISA purpose id, e.g. marac.risk-management' }]);
    }
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS, targets);
    const action = `${req.method} ${req.route?.path ?? req.path}`;
    const refuse = async (reason: string, agreement?: { id: string; version: string }) => {
      await this.audit.record({ user, purpose, action, decision: 'denied', reason, agreement });
      throw new ForbiddenException(reason);
    };
    if (!rule) return refuse('no access rule for this route');
    if (!user.roles.some((r) => rule.roles.includes(r))) return refuse(`role ${user.roles.join(',')} may not use this route`);
    if (!rule.purposes.includes(purpose) && !rule.purposes.includes('*')) return refuse(`purpose ${purpose} is not served by this route`);
    // The agreements say which roles may act for a purpose, and whether the agreement is in force.
    const decision = this.policy.purposeAllowed(user.roles, purpose);
    if (decision.effect === 'deny') return refuse(decision.reason, decision.agreement && decision.version ? { id: decision.agreement, version: decision.version } : undefined);
    req.user = user;
    req.purpose = purpose;
    return true;
  }
}
