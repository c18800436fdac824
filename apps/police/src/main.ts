import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startPolice } from './police.bootstrap';

HubLogger.service = 'police';
runService('police', startPolice);
