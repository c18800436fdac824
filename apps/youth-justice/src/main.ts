import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startYouthJustice } from './youth-justice.bootstrap';

HubLogger.service = 'youth-justice';
runService('youth-justice', startYouthJustice);
