import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { ClassConstructor } from 'class-transformer';
import { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { FieldFault, UUID_PATTERN, validatePayload } from '../../contracts/src';
import { HubLogger } from './logger';

/** The public error shape (api.md): `{"error": "...", "fields": [{"path", "reason"}]}`. */
export interface ErrorBody {
  error: string;
  fields: FieldFault[];
}

export function badRequest(error: string, fields: FieldFault[] = []): BadRequestException {
  return new BadRequestException({ error, fields } satisfies ErrorBody);
}

/** The fault of a value that must be a UUID: none when it is one, or when it is absent. */
export function uuidFaults(value: string | undefined, path: string): FieldFault[] {
  return value === undefined || UUID_PATTERN.test(value) ? [] : [{ path, reason: 'must be a UUID' }];
}

/** A path parameter that must be a UUID: returned as it is, or a 400 naming it (`bad <what>`). */
export function requireUuid(value: string, path: string, what: string): string {
  if (!UUID_PATTERN.test(value)) throw badRequest(`bad ${what}`, [{ path, reason: 'must be a UUID' }]);
  return value;
}

/** Validates a request body against a contract class, or throws a 400 naming every bad field. */
export function validOrThrow<T extends object>(cls: ClassConstructor<T>, body: unknown): T {
  const result = validatePayload(cls, body);
  if (!result.ok) throw badRequest(`${result.faults.length} field(s) failed validation`, result.faults);
  return result.value;
}

/**
 * Every error leaves in the public shape; anything unexpected is a 500 without internals.
 */
@Catch()
export class ErrorShapeFilter implements ExceptionFilter {
  private readonly log = new HubLogger('http');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Event handlers share the app's filters (inheritAppConfig): their errors go back to the consumer as they are.
    if (host.getType() !== 'http') return throwError(() => exception);
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && 'fields' in body) {
        res.status(status).json(body);
      } else {
        const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
        res.status(status).json({ error: Array.isArray(message) ? message.join('; ') : String(message), fields: [] } satisfies ErrorBody);
      }
      return;
    }
    this.log.error('unhandled error', { error: exception instanceof Error ? exception.message : String(exception) });
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: 'internal error', fields: [] } satisfies ErrorBody);
  }
}
