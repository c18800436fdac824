import { plainToInstance, ClassConstructor } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** One bad field, as the public API reports it: `{"path": "victim.dateOfBirth", "reason": "..."}`. */
export interface FieldFault {
  path: string;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; faults: FieldFault[] };

/**
 * Validates a plain object against a contract class and names every bad field.
 * Unknown fields are faults too: an agency sending a field we do not know means a
 * contract mismatch, and silently dropping it would lose what the agency meant.
 */
export function validatePayload<T extends object>(cls: ClassConstructor<T>, plain: unknown): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, faults: [{ path: '', reason: 'the body must be a JSON object' }] };
  }
  const value = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length === 0) return { ok: true, value };
  return { ok: false, faults: flatten(errors) };
}

function flatten(errors: ValidationError[], prefix = ''): FieldFault[] {
  const out: FieldFault[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const reason of Object.values(error.constraints ?? {})) {
      out.push({ path, reason: reason.replace(/^property \S+ /, 'unknown field: ') });
    }
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}
