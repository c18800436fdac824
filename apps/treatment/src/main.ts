import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startTreatment } from './treatment.bootstrap';

HubLogger.service = 'treatment';
runService('treatment', startTreatment);
