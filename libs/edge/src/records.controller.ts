import { Body, Controller, HttpCode, HttpException, Inject, NotFoundException, Param, Post, Res, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { RecordKind } from '../../contracts/src';
import { badRequest, ErrorBody } from '../../platform/src';
import { EdgeRecords, RecordOutcome } from './edge-records.service';

const singular = (kind: RecordKind) => kind.title.replace(/s$/, '');

/** The HTTP answer to one record: 201 new, 200 a retry of the same, 400, 404 or 409 in the public error shape. */
function answer(kind: RecordKind, outcome: RecordOutcome, res: Response): Record<string, string> {
  switch (outcome.status) {
    case 'created':
    case 'duplicate':
      if (outcome.status === 'duplicate') res.status(200);
      return { [kind.refField]: outcome.ref, eventId: outcome.eventId };
    case 'rejected':
      throw badRequest(`${outcome.faults.length} field(s) failed validation`, outcome.faults);
    case 'missing-parent':
      throw new NotFoundException({ error: outcome.faults[0].reason, fields: outcome.faults } satisfies ErrorBody);
    case 'conflict':
      throw new HttpException(
        {
          error: `${singular(kind)} ${outcome.ref} is already recorded with different details; corrections are a later feature, not an overwrite`,
          fields: outcome.faults,
        } satisfies ErrorBody,
        409,
      );
  }
}

/**
 * A controller for one record kind: `POST /<path>`, documented with the kind's class.
 * Path parameters (`custody-entries/:custodyRef/release`) are part of the record.
 */
export function recordsController(kind: RecordKind): Type<unknown> {
  @ApiTags(kind.title)
  @Controller(kind.path)
  class RecordsController {
    constructor(@Inject(EdgeRecords) private readonly records: EdgeRecords) {}

    @Post()
    @HttpCode(201)
    @ApiOperation({ summary: `record one of the ${kind.title}` })
    @ApiBody({ type: kind.dto })
    @ApiCreatedResponse({ description: `recorded; \`{"${kind.refField}", "eventId"}\`` })
    @ApiOkResponse({ description: 'the same record was already recorded; its first eventId is returned' })
    @ApiBadRequestResponse({ description: '`{"error", "fields": [{"path", "reason"}]}` naming every bad field; nothing stored' })
    @ApiConflictResponse({ description: `the ${kind.refField} is already used for a different record` })
    @ApiNotFoundResponse({ description: kind.parent ? `no ${kind.parent.kind} with that ${kind.parent.refField}` : 'never' })
    async record(@Body() body: unknown, @Param() params: Record<string, string>, @Res({ passthrough: true }) res: Response): Promise<Record<string, string>> {
      const withParams = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, ...params } : body;
      return answer(kind, await this.records.take(kind, withParams), res);
    }
  }
  const name = kind.kind.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
  Object.defineProperty(RecordsController, 'name', { value: `${name}Controller` });
  return RecordsController;
}
