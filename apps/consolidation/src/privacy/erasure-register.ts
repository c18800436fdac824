import { EntityManager } from 'typeorm';
import { personKey } from '../identity/person-record';

const SCHEMA = 'consolidation';

/** What an erased person becomes in the records of others who are kept. */
export const ERASED_PERSON = Object.freeze({ erased: true });

/**
 * Intake holds this lock shared for the rest of its batch and an erasure takes it exclusive:
 * an erasure then waits for the batches that read the register before it (and erases what
 * they wrote), and a batch that starts after it sees it. Without it a batch of another
 * partition could link a person just after their erasure committed. Two keys: a space of its
 * own, apart from identity resolution's one-key locks on hashed person details.
 */
export const ERASURE_LOCK = `hashtext('consolidation'), hashtext('erasures')`;

/**
 * The erased among these agency persons (`agency:personRef` keys), in one query: intake asks
 * once per batch, whatever its size.
 */
export async function erasedAmong(manager: EntityManager, people: { agency: string; personRef: string }[]): Promise<Set<string>> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared(${ERASURE_LOCK})`);
  if (people.length === 0) return new Set();
  const unique = [...new Map(people.map((p) => [personKey(p.agency, p.personRef), p])).values()];
  const rows: { agency: string; person_ref: string }[] = await manager.query(
    `SELECT e.agency, e.person_ref FROM ${SCHEMA}.erasures e
       JOIN unnest($1::text[], $2::text[]) AS t(agency, ref) ON e.agency = t.agency AND e.person_ref = t.ref`,
    [unique.map((p) => p.agency), unique.map((p) => p.personRef)],
  );
  return new Set(rows.map((r) => personKey(r.agency, r.person_ref)));
}

/**
 * A copy of a record's data with every erased person replaced by `{ "erased": true }`: any
 * object carrying a `personRef` (a person, or another agency's ref of one in a crosswalk,
 * which names its own `agency`) whose agency person is erased. Everything else is kept, so a
 * DA incident whose victim is erased stays in the perpetrator's chronology without her.
 */
export function scrubErased<T>(data: T, agency: string, erased: Set<string>): T {
  if (erased.size === 0) return data;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    if (typeof o.personRef === 'string' && erased.has(personKey(typeof o.agency === 'string' ? o.agency : agency, o.personRef))) return { ...ERASED_PERSON };
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]));
  };
  return walk(data) as T;
}
