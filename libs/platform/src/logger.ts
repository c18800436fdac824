import { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured JSON logs, one line per entry, on stdout. House rule: log ids, counts and
 * reasons, never personal data (names, dates of birth, addresses, free text about people).
 */
export class HubLogger implements LoggerService {
  static level: Level = (process.env.LOG_LEVEL as Level) in ORDER ? (process.env.LOG_LEVEL as Level) : 'info';
  static service = process.env.SERVICE_NAME ?? 'safer-hub';

  constructor(private readonly context?: string) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (ORDER[level] < ORDER[HubLogger.level]) return;
    // Nest passes the context as the last string argument; our own calls pass a fields object.
    let context = this.context;
    let fields: Record<string, unknown> = {};
    for (const arg of rest) {
      if (typeof arg === 'string') context = arg;
      else if (arg && typeof arg === 'object') fields = { ...fields, ...(arg as Record<string, unknown>) };
    }
    const entry = { time: new Date().toISOString(), level, service: HubLogger.service, context, msg: message instanceof Error ? message.message : message, ...fields };
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(JSON.stringify(entry) + '\n');
  }
}
