import { UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Claims carried by every hub token (architecture.md, Users and auth). */
export interface HubUser {
  sub: string;
  name: string;
  agency: string;
  roles: string[];
  team?: string;
}

const ISSUER = 'safer-hub';
const AUDIENCE = 'safer-hub-api';

/**
 * Demo mode without HUB_JWT_SECRET: one random secret per process, made on first use. Every
 * service of the default run (one process) signs and verifies with it, so a token from
 * hub-api's demo sign-in also opens the youth-justice inbox. Services in separate processes
 * share HUB_JWT_SECRET instead.
 */
let processDemoSecret: string | undefined;
const demoSecret = () => (processDemoSecret ??= randomBytes(32).toString('hex'));

/**
 * HS256 tokens signed with HUB_JWT_SECRET (in demo mode a random secret per process).
 * Verification pins the algorithm, issuer and audience, so `alg: none` or a token from
 * elsewhere is refused. Production swaps this for the OIDC issuer's keys.
 */
export class TokenService {
  private readonly secret: string;

  constructor(secret = process.env.HUB_JWT_SECRET) {
    if (!secret && !demoMode()) throw new Error('HUB_JWT_SECRET must be set outside demo mode');
    this.secret = secret || demoSecret();
  }

  sign(user: HubUser, ttlSeconds = 8 * 3600): string {
    return jwt.sign({ name: user.name, agency: user.agency, roles: user.roles, team: user.team }, this.secret, {
      algorithm: 'HS256',
      subject: user.sub,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: ttlSeconds,
    });
  }

  verify(token: string): HubUser {
    const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles) || typeof claims.agency !== 'string') {
      throw new Error('token lacks sub, agency or roles');
    }
    return { sub: claims.sub, name: String(claims.name ?? claims.sub), agency: claims.agency, roles: claims.roles.map(String), team: claims.team };
  }
}

/** The default run serves demo tokens; any real deployment sets HUB_DEMO_MODE=false. */
export function demoMode(): boolean {
  return process.env.HUB_DEMO_MODE === 'true';
}

/** The user of an `Authorization: Bearer <token>` header; 401 without one or with a token that fails verification. */
export function bearerUser(tokens: TokenService, authorization: string | undefined): HubUser {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  if (!match) throw new UnauthorizedException('a bearer token is required');
  try {
    return tokens.verify(match[1]);
  } catch (error) {
    throw new UnauthorizedException(`the token was refused: ${error instanceof Error ? error.message : 'invalid'}`);
  }
}
