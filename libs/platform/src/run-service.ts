import { INestApplication } from '@nestjs/common';
import { HubLogger } from './logger';

/** Entry point of a service run alone: start it, and close it cleanly on SIGTERM/SIGINT. */
export function runService(name: string, start: () => Promise<INestApplication>): void {
  const log = new HubLogger(name);
  start()
    .then((app) => {
      const stop = (signal: string) => {
        log.log('stopping', { signal });
        app.close().then(
          () => process.exit(0),
          (error) => {
            log.error('unclean stop', { error: String(error) });
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    })
    .catch((error) => {
      log.error('failed to start', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
}
