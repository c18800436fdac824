import { Controller, Get, HttpException, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse, ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiGatewayTimeoutResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { edgeUrl } from '../../../../libs/edge/src/edge-url';
import { ErrorBody, HubLogger, requireUuid } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';

const PURPOSE = 'custody.yjs-notification';
const ACCESS = { roles: ['yjs-officer', 'yjs-manager'], purposes: [PURPOSE] };
const ERROR_SHAPE = '`{"error", "fields": [{"path", "reason"}]}`';
/** How long the edge has to answer; YJS_INBOX_TIMEOUT_MS overrides it (read on each call). */
const DEFAULT_TIMEOUT_MS = 10_000;

const timeoutMs = () => {
  const configured = Number(process.env.YJS_INBOX_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
};

interface EdgeAnswer {
  status: number;
  /** the edge's body as it sent it */
  text: string;
  body: unknown;
}

/** The edge's answer, unchanged. */
const send = (res: Response, answer: EdgeAnswer) => res.status(answer.status).type('application/json').send(answer.text);

const gatewayError = (status: HttpStatus, error: string) => new HttpException({ error, fields: [] } satisfies ErrorBody, status);

/**
 * The web app's way to the youth-justice custody inbox. The browser talks to hub-api only
 * (same origin, strict CSP), so hub-api forwards the team's list and acknowledgements to the
 * youth-justice edge with the caller's own bearer token: the edge checks it again and takes
 * the team from it. The edge's status and JSON body come back unchanged, errors included;
 * an edge that cannot be reached is a 502, one that does not answer in time a 504, both in
 * the public error shape. The inbox holds refs only: the child's details are read from
 * `GET /api/custody/notifications/{id}`, audited there.
 */
@ApiTags('web app: YJS inbox')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: `no bearer token, or one the hub did not sign; ${ERROR_SHAPE}` })
@ApiForbiddenResponse({ description: 'not a YJS officer or manager, a purpose other than custody.yjs-notification, or (from the edge) another team’s notification' })
@ApiBadGatewayResponse({ description: `the youth-justice edge could not be reached, or did not answer with JSON; ${ERROR_SHAPE}` })
@ApiGatewayTimeoutResponse({ description: `the youth-justice edge did not answer in time (10 s); ${ERROR_SHAPE}` })
@Controller('api/agencies/youth-justice/notifications')
export class YjsInboxProxyController {
  private readonly log = new HubLogger('yjs-inbox-proxy');

  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access(ACCESS)
  @ApiOperation({
    summary: 'the caller’s team’s custody notifications (youth-justice `GET /notifications`), newest arrival first',
    description: 'The query is passed to the edge as it is. Each notification holds refs only; its `details` are at `GET /api/custody/notifications/{id}`.',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['all', 'unacknowledged', 'acknowledged', 'escalated'], description: 'default all' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' })
  @ApiOkResponse({ description: 'as the edge answers: `[{id, custodyRef, subjectId, team, arrivedAt, childBasis, ageAtArrival, appropriateAdultRequired, receivedAt, acknowledged, escalatedAt, released, details}]`' })
  @ApiBadRequestResponse({ description: `${ERROR_SHAPE} naming status and/or limit (from the edge)` })
  async list(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const search = new URL(req.originalUrl, 'http://hub.invalid').search;
    const answer = await this.forward(req, 'GET', `/notifications${search}`);
    send(res, answer);
  }

  @Post(':id/acknowledge')
  @Access(ACCESS)
  @ApiOperation({
    summary: 'acknowledge a notification for the caller’s team (youth-justice `POST /notifications/{id}/acknowledge`)',
    description: 'The first acknowledgement records who and when; acknowledging again changes nothing and returns the first.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'the notification, acknowledged, as the edge answers' })
  @ApiBadRequestResponse({ description: `${ERROR_SHAPE}: the id is not a UUID` })
  @ApiNotFoundResponse({ description: 'no such notification (from the edge)' })
  async acknowledge(@Req() req: AuthedRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    requireUuid(id, 'id', 'notification id');
    const answer = await this.forward(req, 'POST', `/notifications/${id}/acknowledge`);
    if (answer.status === 200) {
      const subjectId = (answer.body as { subjectId?: unknown } | null)?.subjectId;
      await this.audit.record({
        user: req.user, purpose: req.purpose, action: 'custody.inbox.acknowledge', decision: 'allowed', subjectIds: typeof subjectId === 'string' ? [subjectId] : [],
      });
    }
    send(res, answer);
  }

  /** Calls the edge with the caller's token and answers with what it said. */
  private async forward(req: AuthedRequest, method: 'GET' | 'POST', path: string): Promise<EdgeAnswer> {
    const url = `${edgeUrl('youth-justice').replace(/\/+$/, '')}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', authorization: req.headers.authorization ?? '' };
    if (method === 'POST') headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const edge = await fetch(url, { method, headers, body: method === 'POST' ? '{}' : undefined, signal: AbortSignal.timeout(timeoutMs()) });
      status = edge.status;
      text = await edge.text();
    } catch (error) {
      // a DOMException from AbortSignal.timeout: named, not necessarily an Error of this realm
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      // the route and the failure only: never the caller's token or anything about a child
      this.log.warn('youth-justice edge call failed', { method, route: method === 'GET' ? '/notifications' : '/notifications/:id/acknowledge', timedOut });
      throw timedOut
        ? gatewayError(HttpStatus.GATEWAY_TIMEOUT, `the youth justice custody inbox did not answer within ${timeoutMs() / 1000} s: try again shortly`)
        : gatewayError(HttpStatus.BAD_GATEWAY, 'the youth justice custody inbox cannot be reached: try again shortly');
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      this.log.warn('youth-justice edge answered with something other than JSON', { method, status });
      throw gatewayError(HttpStatus.BAD_GATEWAY, 'the youth justice custody inbox gave an answer the hub could not read');
    }
    return { status, text, body };
  }
}
