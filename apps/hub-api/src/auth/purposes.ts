/**
 * Which ISA purposes each role may state in `X-Purpose`. Until the agreements land as
 * files (deploy/isa), this table is the whole policy: default deny, a role not listed
 * for a purpose is refused.
 */
export const ROLE_PURPOSES: Record<string, readonly string[]> = {
  'marac-coordinator': ['marac.risk-management', 'identity.review'],
  'marac-member': ['marac.risk-management'],
  'custody-navigator': ['custody.yjs-notification'],
  'yjs-officer': ['custody.yjs-notification'],
  analyst: ['analytics.depersonalised'],
  auditor: ['audit.oversight'],
  'agency-officer': [],
  admin: ['audit.oversight', 'identity.review'],
};

export function roleMayUse(roles: readonly string[], purpose: string): boolean {
  return roles.some((role) => ROLE_PURPOSES[role]?.includes(purpose));
}
