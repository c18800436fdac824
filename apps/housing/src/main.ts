import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startHousing } from './housing.bootstrap';

HubLogger.service = 'housing';
runService('housing', startHousing);
