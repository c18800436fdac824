import { IsNotEmpty, IsString, Matches, MaxLength, registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm), as api.md requires. */
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Clock skew tolerated between an agency system and the hub. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** A real calendar date `YYYY-MM-DD`, not in the future. */
export function IsPastCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isCalendarDate(value) && Date.parse(value) <= Date.now(),
        defaultMessage: (args: ValidationArguments) =>
          isCalendarDate(args.value) ? 'must not be in the future' : 'must be a real date as YYYY-MM-DD',
      },
    });
}

/** An ISO 8601 time with offset, not in the future. */
export function IsPastDateTime(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastDateTime',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          DATE_TIME_WITH_OFFSET.test(value) &&
          !Number.isNaN(Date.parse(value)) &&
          Date.parse(value) <= Date.now() + FUTURE_TOLERANCE_MS,
        defaultMessage: (args: ValidationArguments) =>
          typeof args.value === 'string' && DATE_TIME_WITH_OFFSET.test(args.value) && !Number.isNaN(Date.parse(args.value))
            ? 'must not be in the future'
            : 'must be an ISO 8601 date-time with offset, e.g. 2026-03-01T22:15:00Z',
      },
    });
}

/** NHS number: 10 digits whose last is the modulus 11 check digit. */
export function isNhsNumber(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{10}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const sum = digits.slice(0, 9).reduce((acc, d, i) => acc + d * (10 - i), 0);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === digits[9];
}

export function IsNhsNumber(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNhsNumber',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: isNhsNumber,
        defaultMessage: () => 'must be a 10-digit NHS number with a valid check digit',
      },
    });
}

/** UK postcode, full (TS24 7AA); stored upper-case with one space. */
export const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i;
/** Police National Computer id, e.g. 12/345678A. */
export const PNC_ID = /^\d{2}\/\d{1,7}[A-Z]$/;

/** Outward part of a UK postcode (TS24): where depersonalised records say where. */
export const UK_OUTWARD_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?$/;

const REF = /^[A-Za-z0-9][A-Za-z0-9/_.:-]*$/;

/** An agency's own id of a record or person: letters, digits and / _ . : -, at most 64. */
export function IsRef(): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    for (const decorate of [IsString(), IsNotEmpty(), MaxLength(64), Matches(REF, { message: 'must be letters, digits and / _ . : -' })]) decorate(target, key as string);
  };
}
