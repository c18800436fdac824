import 'reflect-metadata';
import { HubLogger } from '../../../libs/platform/src';
import { runService } from '../../../libs/platform/src/run-service';
import { startFire } from './fire.bootstrap';

HubLogger.service = 'fire';
runService('fire', startFire);
