import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DomesticIncidentDto } from '../../../../libs/contracts/src';
import { validOrThrow } from '../../../../libs/platform/src';
import { DomesticIncidentsService } from './domestic-incidents.service';

@ApiTags('domestic incidents')
@Controller('domestic-incidents')
export class DomesticIncidentsController {
  constructor(private readonly incidents: DomesticIncidentsService) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: DomesticIncidentDto })
  @ApiCreatedResponse({ description: 'recorded; `{"incidentRef", "eventId"}`' })
  @ApiOkResponse({ description: 'the same record was already recorded; its first eventId is returned' })
  @ApiBadRequestResponse({ description: '`{"error", "fields": [{"path", "reason"}]}` naming every bad field; nothing stored' })
  @ApiConflictResponse({ description: 'the incidentRef is already used for a different record' })
  async record(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<{ incidentRef: string; eventId: string }> {
    const dto = validOrThrow(DomesticIncidentDto, body);
    const { incidentRef, eventId, created } = await this.incidents.record(dto);
    if (!created) res.status(200);
    return { incidentRef, eventId };
  }
}
