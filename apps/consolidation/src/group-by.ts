/** Rows grouped by a key (a subject id, say), each mapped on the way in. */
export function groupBy<R, T = R>(rows: readonly R[], key: (row: R) => string, map: (row: R) => T = (row) => row as unknown as T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) append(out, key(row), map(row));
  return out;
}

export function append<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const list = groups.get(key);
  if (list) list.push(item);
  else groups.set(key, [item]);
}
