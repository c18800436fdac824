import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** Placeholder: the partnership's indicators (issue 7), API and CSV. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('api/analytics/indicators')
export class IndicatorsController {}
