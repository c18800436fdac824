import { Controller, ForbiddenException, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiForbiddenResponse, ApiGatewayTimeoutResponse,
  ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agency, AGENCIES, kindsOf, RecordKind } from '../../../../libs/contracts/src';
import { edgeUrl } from '../../../../libs/edge/src/edge-url';
import { ImportCounts, importFile, ImportFailed, ImportResult } from '../../../../libs/edge/src/import/importer';
import { badRequest, ErrorBody, HubLogger } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import {
  countRows, csvHeaderFaults, edgeDocument, edgeFetch, EdgeUnavailable, importMaxBytes, isAgency, KindView, kindView, probeEdge, RECORD_TIMEOUT_MS, receiveUpload,
  recordPath, uploadFormat, UploadTooLarge,
} from './agency-gateway';

/** Not about anyone the officer reads: any purpose the agreement lets an agency officer use. */
const OFFICER = { roles: ['agency-officer'], purposes: ['*'] };
/** rows per request to the edge: small enough that a file of a few hundred rows shows its progress */
const IMPORT_CHUNK_ROWS = 200;
/** how many rejected rows the answer names; the counts are always whole */
const MOST_REJECTS = 500;
const AGENCY_PARAM = { name: 'agency', enum: AGENCIES, description: 'must be the agency on the officer’s token' };
const KIND_PARAM = { name: 'kind', description: 'a record kind of that agency, e.g. deliberate-fire (GET /api/agencies/{agency}/kinds)', example: 'deliberate-fire' };

const log = new HubLogger('agency-gateway');

/** The client went while the import ran: the import stops after the chunk in hand. */
class ClientGone extends Error {}

/**
 * The web app's way to an agency edge, for the agency's own officers: the record kinds the
 * edge takes (with the JSON schema of each, for a form), one record, and a bulk import of a
 * file with its progress streamed back. Each call goes to the edge of the officer's own
 * agency (the `agency` claim of the token), which validates and stores as for a partner
 * system. No content of a record is logged; an audit row names the kind and its reference.
 */
@ApiTags('web app: agency gateway')
@ApiBearerAuth()
@Controller('api/agencies')
export class AgencyGatewayController {
  constructor(private readonly audit: AuditService) {}

  @Get(':agency/kinds')
  @Access(OFFICER)
  @ApiOperation({ summary: 'the record kinds the agency’s edge takes, each with the JSON schema of its body' })
  @ApiParam(AGENCY_PARAM)
  @ApiOkResponse({
    description:
      '`[{kind, path, pathParams, eventType, title, description, refField, parent: {kind, refField} | null, schema}]`; `schema` is the JSON schema of the edge’s `POST /<path>` body ' +
      'from its OpenAPI document, every `$ref` inlined',
  })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'not an agency officer, or an officer of another agency (audited)' })
  @ApiNotFoundResponse({ description: 'no such agency edge' })
  @ApiBadGatewayResponse({ description: '`{error, fields: []}`: the edge cannot be reached' })
  @ApiGatewayTimeoutResponse({ description: '`{error, fields: []}`: the edge did not answer in time' })
  async kinds(@Req() req: AuthedRequest, @Param('agency') agency: string): Promise<KindView[]> {
    const own = await this.ownAgency(req, agency, 'agency.kinds');
    const doc = await edgeDocument(own, edgeUrl(own));
    return kindsOf(own).map((kind) => kindView(kind, doc));
  }

  @Post(':agency/records/:kind')
  @Access(OFFICER)
  @ApiOperation({ summary: 'one record, sent on to the edge’s `POST /<path>`; the edge’s answer comes back as it is' })
  @ApiParam(AGENCY_PARAM)
  @ApiParam(KIND_PARAM)
  @ApiBody({ description: 'the record, as the kind’s schema says (a `:param` of the edge’s path is a field of the record)', schema: { type: 'object' } })
  @ApiCreatedResponse({ description: 'recorded: `{<refField>, eventId}`' })
  @ApiOkResponse({ description: 'the same record was already recorded: `{<refField>, eventId}` of the first' })
  @ApiBadRequestResponse({ description: '`{error, fields: [{path, reason}]}` naming every bad field (the edge’s own answer); nothing stored' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'not an agency officer, or an officer of another agency (audited)' })
  @ApiNotFoundResponse({ description: 'no such agency or kind; or the record a kind belongs to (e.g. the custody entry of a release) is not recorded' })
  @ApiBadGatewayResponse({ description: '`{error, fields: []}`: the edge cannot be reached' })
  @ApiGatewayTimeoutResponse({ description: '`{error, fields: []}`: the edge did not answer in time (sending the record again is safe)' })
  async record(@Req() req: AuthedRequest, @Res() res: Response, @Param('agency') agency: string, @Param('kind') kindName: string): Promise<void> {
    const own = await this.ownAgency(req, agency, 'agency.record');
    const kind = this.kindOf(own, kindName);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be one record, a JSON object', [{ path: '', reason: 'a JSON object' }]);
    const target = recordPath(kind, body as Record<string, unknown>);
    if ('faults' in target) throw badRequest(`${target.faults.length} field(s) failed validation`, target.faults);

    const answer = await edgeFetch(
      own,
      `${edgeUrl(own)}/${target.path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) },
      RECORD_TIMEOUT_MS,
      ': the record may or may not be in; sending it again is safe (one already recorded comes back as such)',
    );
    const text = await answer.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EdgeUnavailable(own, `answered ${answer.status} without a JSON body`);
    }
    const ref = answer.status < 300 && typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[kind.refField] : undefined;
    await this.audit.record({
      user: req.user,
      purpose: req.purpose,
      action: 'agency.record',
      decision: 'allowed',
      reason: `${own} ${kind.kind} ${answer.status === 201 ? `recorded ${ref}` : answer.status === 200 ? `already recorded ${ref}` : `refused by the edge (${answer.status})`}`,
    });
    res.status(answer.status).json(json);
  }

  @Post(':agency/imports/:kind')
  @Access(OFFICER)
  @ApiOperation({
    summary: 'a bulk import: the body is the file itself (CSV or NDJSON); progress, then the result, streamed back one JSON line at a time',
    description:
      'The file is taken to a temporary file (removed afterwards), its CSV header checked, then sent to the edge’s `POST /imports/<kind>` ' +
      `${IMPORT_CHUNK_ROWS} rows at a time, as \`npm run import\` does. Rows already recorded come back as duplicates, so re-running a file adds nothing twice.`,
  })
  @ApiParam(AGENCY_PARAM)
  @ApiParam(KIND_PARAM)
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'ndjson'], description: 'default: from the Content-Type' })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ description: 'the file: CSV with a header of dotted field paths (e.g. location.postcode), or one JSON record per line', schema: { type: 'string', format: 'binary' } })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description:
      'one JSON object per line, each sent as it happens: `{"type": "progress", bytesRead, totalBytes, totalRows, counts, elapsedMs}` (the first before any row is sent; ' +
      '`totalRows` the data rows in the file, null if it cannot be read through; the rows done are the sum of the counts but `rows`) ... then ' +
      '`{"type": "result", counts, rejects: [{row, line, field, reason}] (the first 500), rejectsTotal, elapsedMs}` or `{"type": "failed", error, counts, rejects, elapsedMs}` ' +
      '(the rows before the failure are in; run the file again to finish). `counts`: `{rows, created, duplicate, rejected, conflict, missingParent}`',
  })
  @ApiBadRequestResponse({ description: '`{error, fields}`: no format, an empty file, or a CSV header the edge cannot read (`fields: [{path: "header", reason}]`)' })
  @ApiUnauthorizedResponse({ description: 'no or bad token' })
  @ApiForbiddenResponse({ description: 'not an agency officer, or an officer of another agency (audited)' })
  @ApiNotFoundResponse({ description: 'no such agency or kind' })
  @ApiPayloadTooLargeResponse({ description: '`{error, fields: []}`: the file is larger than 50 MB' })
  @ApiUnsupportedMediaTypeResponse({ description: '`{error, fields}`: the body is not a CSV or NDJSON file' })
  @ApiBadGatewayResponse({ description: '`{error, fields: []}`: the edge cannot be reached (nothing was sent)' })
  async import(@Req() req: AuthedRequest, @Res() res: Response, @Param('agency') agency: string, @Param('kind') kindName: string, @Query('format') formatQuery?: string): Promise<void> {
    const own = await this.ownAgency(req, agency, 'agency.import');
    const kind = this.kindOf(own, kindName);
    const format = uploadFormat(formatQuery, req.headers['content-type']);
    if ('status' in format) {
      res.status(format.status).json(format.body);
      return;
    }
    // A JSON body was read by the JSON parser: there is no file left to take.
    if ((req as { _body?: boolean })._body || req.readableEnded) throw badRequest('send the file itself as the body, with Content-Type text/csv or application/x-ndjson');
    const limit = importMaxBytes();
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      // said before a byte of it is read: answer and close, rather than read it all to drop it
      res.setHeader('connection', 'close');
      throw new UploadTooLarge(limit);
    }
    const base = edgeUrl(own);
    // before the upload is taken in: a file for an edge that is down is not worth the wait
    await probeEdge(own, base);

    const dir = await mkdtemp(join(tmpdir(), 'hub-import-'));
    let streaming = false;
    try {
      const file = join(dir, `upload.${format.format}`);
      let size: number;
      try {
        size = await receiveUpload(req, file, limit);
      } catch (error) {
        if (error instanceof UploadTooLarge) res.setHeader('connection', 'close');
        throw error;
      }
      if (size === 0) throw badRequest('the file is empty', [{ path: 'file', reason: 'the body is the file to import: it was empty' }]);
      if (format.format === 'csv') {
        const faults = await csvHeaderFaults(kind, file);
        if (faults.length) throw badRequest(faults[0].path === 'file' ? 'the file has no header row' : 'the CSV header cannot be read, so no row was sent', faults);
      }
      streaming = true;
      await this.streamImport(req, res, own, kind, base, file, format.format);
    } finally {
      await rm(dir, { recursive: true, force: true });
      // the answer ends once the file is gone
      if (streaming && !res.writableEnded) res.end();
    }
  }

  /** Runs the import, writing each progress event and the outcome as a line the moment it happens; the caller ends the answer. */
  private async streamImport(req: AuthedRequest, res: Response, agency: Agency, kind: RecordKind, base: string, file: string, format: 'csv' | 'ndjson'): Promise<void> {
    let open = true;
    res.on('close', () => (open = false));
    const line = (value: unknown) => {
      if (open) res.write(`${JSON.stringify(value)}\n`);
    };
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no'); // a proxy passes each line on at once
    res.flushHeaders();

    const started = Date.now();
    const totalRows = await countRows(file, format);
    const totalBytes = (await stat(file)).size;
    line({ type: 'progress', bytesRead: 0, totalBytes, totalRows, counts: { rows: 0, created: 0, duplicate: 0, rejected: 0, conflict: 0, missingParent: 0 }, elapsedMs: 0 });
    let outcome: { counts: ImportCounts; rejects: number; error?: string };
    try {
      const result: ImportResult = await importFile({
        edgeUrl: base,
        kind,
        file,
        format,
        chunkRows: IMPORT_CHUNK_ROWS,
        attempts: 3,
        retryDelayMs: 500,
        requestTimeoutMs: 60_000,
        onProgress: (p) => {
          if (!open) throw new ClientGone('the browser went away');
          line({ type: 'progress', bytesRead: p.bytesRead, totalBytes: p.totalBytes, totalRows, counts: p.counts, elapsedMs: p.elapsedMs });
        },
      });
      line({ type: 'result', counts: result.counts, rejects: result.rejects.slice(0, MOST_REJECTS), rejectsTotal: result.rejects.length, elapsedMs: result.elapsedMs });
      outcome = { counts: result.counts, rejects: result.rejects.length };
    } catch (error) {
      const partial = error instanceof ImportFailed ? error.result : undefined;
      const counts = partial?.counts ?? { rows: 0, created: 0, duplicate: 0, rejected: 0, conflict: 0, missingParent: 0 };
      // the reason names rows, lines and the edge's answer, never a cell of the file
      const reason = error instanceof ImportFailed ? error.message.replace(/reading \S+ failed/, 'reading the file failed') : 'the import stopped on an unexpected error';
      if (!(error instanceof ImportFailed)) log.error('import stopped', { agency, kind: kind.kind, error: error instanceof Error ? error.name : 'unknown' });
      line({
        type: 'failed',
        error: reason,
        counts,
        rejects: (partial?.rejects ?? []).slice(0, MOST_REJECTS),
        rejectsTotal: partial?.rejects.length ?? 0,
        elapsedMs: partial?.elapsedMs ?? Date.now() - started,
      });
      outcome = { counts, rejects: partial?.rejects.length ?? 0, error: open ? 'failed' : 'stopped: the browser went away' };
    }
    const c = outcome.counts;
    await this.audit
      .record({
        user: req.user,
        purpose: req.purpose,
        action: 'agency.import',
        decision: 'allowed',
        reason: `${agency} ${kind.kind} ${format}${outcome.error ? ` ${outcome.error}` : ''}: rows ${c.rows}, created ${c.created}, duplicate ${c.duplicate}, rejected ${c.rejected}, conflict ${c.conflict}, missing parent ${c.missingParent}`,
      })
      .catch((error) => log.error('import not audited', { error: error instanceof Error ? error.message : String(error) }));
  }

  /** The agency of the path, when it is the officer's own; anything else is refused (and audited). */
  private async ownAgency(req: AuthedRequest, agency: string, action: string): Promise<Agency> {
    if (req.user.agency !== agency) {
      const reason = `your token is for ${req.user.agency || 'no agency'}: only ${agency}’s own officers may use the ${agency} edge`;
      await this.audit.record({ user: req.user, purpose: req.purpose, action, decision: 'denied', reason });
      throw new ForbiddenException({ error: reason, fields: [{ path: 'agency', reason: `must be your own agency, ${req.user.agency || 'none on your token'}` }] } satisfies ErrorBody);
    }
    if (!isAgency(agency, AGENCIES)) throw new NotFoundException({ error: `no agency edge ${agency}`, fields: [{ path: 'agency', reason: AGENCIES.join(', ') }] } satisfies ErrorBody);
    return agency;
  }

  private kindOf(agency: Agency, name: string): RecordKind {
    const kinds = kindsOf(agency);
    const kind = kinds.find((k) => k.kind === name);
    if (!kind) throw new NotFoundException({ error: `the ${agency} edge takes no records of kind ${name}`, fields: [{ path: 'kind', reason: kinds.map((k) => k.kind).join(', ') }] } satisfies ErrorBody);
    return kind;
  }
}
