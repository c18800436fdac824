/**
 * A record's values as `path: value` lines, for reading on paper (access export, case pack):
 * a list of plain values on one line, a list of objects item by item (`children[2].givenName`).
 * `countTicks`: a list of ticked boxes (DASH answers) as "N of M ticked".
 */
export function recordLines(value: unknown, opts: { countTicks?: boolean } = {}, prefix = ''): string[] {
  if (Array.isArray(value)) {
    if (opts.countTicks && value.length > 0 && value.every((v) => typeof v === 'boolean')) return [`${prefix}: ${value.filter(Boolean).length} of ${value.length} ticked`];
    if (value.every((v) => typeof v !== 'object')) return [`${prefix}: ${value.join(', ')}`];
    return value.flatMap((v, i) => recordLines(v, opts, `${prefix}[${i + 1}]`));
  }
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => recordLines(v, opts, prefix ? `${prefix}.${k}` : k));
  return [`${prefix}: ${String(value)}`];
}
