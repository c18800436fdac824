import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startConsolidation } from './consolidation.bootstrap';

HubLogger.service = 'consolidation';
runService('consolidation', startConsolidation);
