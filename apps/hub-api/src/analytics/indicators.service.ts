import { Injectable } from '@nestjs/common';

/** Placeholder: computes the indicators from consolidation's analytics facts. */
@Injectable()
export class IndicatorsService {}
