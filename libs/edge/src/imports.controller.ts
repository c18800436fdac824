import { Body, Controller, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { FieldFault } from '../../contracts/src';
import { badRequest } from '../../platform/src';
import { EdgeRecords, RecordOutcome } from './edge-records.service';

export const MAX_IMPORT_ROWS = 1000;

export interface ImportRowResult {
  row: number;
  status: RecordOutcome['status'];
  ref?: string;
  eventId?: string;
  faults?: FieldFault[];
}

/**
 * Bulk import, one chunk of a partner's file at a time (`npm run import` streams the file
 * and sends chunks here). Each row is taken like a single POST: good rows go in, bad rows
 * come back with their faults, and a row already recorded is a duplicate, so re-running a
 * file adds nothing twice.
 */
@ApiTags('bulk import')
@Controller('imports')
export class ImportsController {
  constructor(@Inject(EdgeRecords) private readonly records: EdgeRecords) {}

  @Post(':kind')
  @HttpCode(200)
  @ApiOperation({ summary: `take up to ${MAX_IMPORT_ROWS} rows of one record kind; a result per row` })
  @ApiParam({ name: 'kind', description: 'the record kind, e.g. custody-entry' })
  @ApiBody({ schema: { type: 'object', required: ['rows'], properties: { rows: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, record: { type: 'object' } } } } } } })
  @ApiOkResponse({ description: '`{"results": [{"row", "status": "created|duplicate|rejected|conflict|missing-parent", "ref", "eventId", "faults"}]}`' })
  @ApiBadRequestResponse({ description: 'the chunk itself is malformed' })
  async import(@Param('kind') kindName: string, @Body() body: { rows?: unknown }): Promise<{ results: ImportRowResult[] }> {
    let kind;
    try {
      kind = this.records.kind(kindName);
    } catch {
      throw new NotFoundException(`this edge takes no records of kind ${kindName}`);
    }
    const rows = body?.rows;
    if (!Array.isArray(rows) || rows.length > MAX_IMPORT_ROWS) throw badRequest('bad import chunk', [{ path: 'rows', reason: `an array of at most ${MAX_IMPORT_ROWS} {row, record}` }]);
    const faults = rows.flatMap((r, i) =>
      typeof r === 'object' && r !== null && Number.isInteger((r as { row?: unknown }).row) && 'record' in r ? [] : [{ path: `rows.${i}`, reason: 'must be {"row": <number>, "record": {...}}' }],
    );
    if (faults.length > 0) throw badRequest('bad import chunk', faults);
    const results: ImportRowResult[] = [];
    // One row after another, so the outbox keeps the file's order for each person.
    for (const { row, record } of rows as { row: number; record: unknown }[]) {
      const outcome = await this.records.take(kind, record);
      results.push({ row, ...outcome });
    }
    return { results };
  }
}
