import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startHubApi } from './hub-api.bootstrap';

HubLogger.service = 'hub-api';
runService('hub-api', startHubApi);
