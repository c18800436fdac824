import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RECORD_KINDS } from '../../contracts/src';
import { Agreement } from './agreement';

/** Roles a purpose or clause may name (architecture.md, Users and auth). */
export const HUB_ROLES = ['marac-coordinator', 'marac-member', 'custody-navigator', 'yjs-officer', 'yjs-manager', 'school-safeguarding-lead', 'analyst', 'agency-officer', 'auditor', 'admin'];

/** An agreement file that cannot be used: names the file and every fault. */
export class AgreementFileError extends Error {
  constructor(
    readonly file: string,
    readonly faults: string[],
  ) {
    super(`information-sharing agreement ${file} cannot be used: ${faults.join('; ')}`);
    this.name = 'AgreementFileError';
  }
}

/** deploy/isa, found from the sources or from dist/. */
export function defaultAgreementsDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'deploy', 'isa', 'agreement.schema.json'))) {
    const up = join(dir, '..');
    if (up === dir || dir === '/') throw new Error('cannot find deploy/isa from ' + __dirname);
    dir = up;
  }
  return join(dir, 'deploy', 'isa');
}

/**
 * Reads every agreement (`*.yaml`) in the folder and checks it: against the JSON Schema,
 * then what a schema cannot say (parties named by signatories and retention exist, clause
 * roles are the purpose's, sources are event types the hub knows, clause ids are unique).
 * Any fault stops the caller with the file and the faults named: a service must not start
 * sharing on an agreement it misreads.
 */
export function loadAgreements(dir = process.env.ISA_DIR ?? defaultAgreementsDir()): Agreement[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile<Agreement>(JSON.parse(readFileSync(join(dir, 'agreement.schema.json'), 'utf8')));
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new AgreementFileError(dir, ['no agreement files (*.yaml): without one every request is refused']);
  return files.map((file) => {
    const path = join(dir, file);
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new AgreementFileError(path, [`not YAML: ${error instanceof Error ? error.message : String(error)}`]);
    }
    if (!validate(doc)) {
      throw new AgreementFileError(path, (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`));
    }
    const faults = semanticFaults(doc);
    if (faults.length > 0) throw new AgreementFileError(path, faults);
    return doc;
  });
}

export function semanticFaults(a: Agreement): string[] {
  const faults: string[] = [];
  const parties = new Set(a.parties.map((p) => p.id));
  const eventTypes = new Set(RECORD_KINDS.map((k) => k.eventType));
  for (const [i, s] of a.signatories.entries()) if (!parties.has(s.party)) faults.push(`/signatories/${i}/party: no party ${s.party}`);
  for (const party of parties) {
    if (!a.signatories.some((s) => s.party === party)) faults.push(`/parties: ${party} has not signed`);
  }
  if (!(a.effectiveFrom < a.reviewBy && a.reviewBy <= a.expiresOn)) faults.push('/reviewBy: must fall after effectiveFrom and not after expiresOn');
  const clauseIds = new Set<string>();
  for (const [purposeId, p] of Object.entries(a.purposes)) {
    const at = `/purposes/${purposeId}`;
    for (const role of p.roles) if (!HUB_ROLES.includes(role)) faults.push(`${at}/roles: unknown role ${role}`);
    for (const party of Object.keys(p.retention)) if (!parties.has(party)) faults.push(`${at}/retention: no party ${party}`);
    for (const [i, c] of p.clauses.entries()) {
      const cat = `${at}/clauses/${i}`;
      if (clauseIds.has(c.id)) faults.push(`${cat}/id: ${c.id} is used twice`);
      clauseIds.add(c.id);
      if (!eventTypes.has(c.source)) faults.push(`${cat}/source: ${c.source} is not an event type the hub takes in`);
      for (const role of c.roles) if (!p.roles.includes(role)) faults.push(`${cat}/roles: ${role} may not use ${purposeId}`);
      if (c.tier === 'fields' && !c.fields?.length) faults.push(`${cat}/fields: a fields clause names its fields`);
      if (c.tier === 'signpost' && c.fields?.length) faults.push(`${cat}/fields: a signpost clause releases no fields`);
    }
  }
  return faults;
}
