import { HubUser } from '../../../../libs/platform/src/auth/tokens';

// The claims type is shared with the other services that take hub tokens (libs/platform).
export type { HubUser };

/** The demo users of the default run (api.md). Fictional people. */
export const DEMO_USERS: Record<string, HubUser> = {
  'marac-coordinator': { sub: 'marac-coordinator', name: 'Morgan Hale (MARAC coordinator)', agency: 'hbc', roles: ['marac-coordinator'], team: 'marac-north' },
  'marac-member-police': { sub: 'marac-member-police', name: 'DS Priya Nair', agency: 'police', roles: ['marac-member'] },
  'marac-member-housing': { sub: 'marac-member-housing', name: 'Sam Okafor (Thirteen)', agency: 'housing', roles: ['marac-member'] },
  'custody-navigator': { sub: 'custody-navigator', name: 'Alex Reed (custody navigator)', agency: 'yjs-south-tees', roles: ['custody-navigator'] },
  'yjs-hartlepool': { sub: 'yjs-hartlepool', name: 'Jo Bell (Hartlepool YJS)', agency: 'yjs-hartlepool', roles: ['yjs-officer'], team: 'hartlepool' },
  'yjs-stockton': { sub: 'yjs-stockton', name: 'Chris Dunn (Stockton YJS)', agency: 'yjs-stockton', roles: ['yjs-officer'], team: 'stockton' },
  'yjs-south-tees': { sub: 'yjs-south-tees', name: 'Pat Kerr (South Tees YJS)', agency: 'yjs-south-tees', roles: ['yjs-officer'], team: 'south-tees' },
  'yjs-manager-hartlepool': { sub: 'yjs-manager-hartlepool', name: 'Sam Ward (Hartlepool YJS manager)', agency: 'yjs-hartlepool', roles: ['yjs-manager'], team: 'hartlepool' },
  'yjs-manager-stockton': { sub: 'yjs-manager-stockton', name: 'Viv Hope (Stockton YJS manager)', agency: 'yjs-stockton', roles: ['yjs-manager'], team: 'stockton' },
  'yjs-manager-south-tees': { sub: 'yjs-manager-south-tees', name: 'Mo Khan (South Tees YJS manager)', agency: 'yjs-south-tees', roles: ['yjs-manager'], team: 'south-tees' },
  'school-dsl': { sub: 'school-dsl', name: 'Terry Lane (designated safeguarding lead, Seaview Primary)', agency: 'school-900001', roles: ['school-safeguarding-lead'], team: '900001' },
  analyst: { sub: 'analyst', name: 'Robin Shaw (analyst)', agency: 'hbc', roles: ['analyst'] },
  auditor: { sub: 'auditor', name: 'Lee Grant (auditor)', agency: 'hbc', roles: ['auditor'] },
  'police-officer': { sub: 'police-officer', name: 'PC Dana Moss', agency: 'police', roles: ['agency-officer'] },
  'fire-officer': { sub: 'fire-officer', name: 'Kim Hart (Cleveland Fire Brigade)', agency: 'fire', roles: ['agency-officer'] },
  'housing-officer': { sub: 'housing-officer', name: 'Ash Lowe (Thirteen)', agency: 'housing', roles: ['agency-officer'] },
  'treatment-worker': { sub: 'treatment-worker', name: 'Jamie Cole (START)', agency: 'treatment', roles: ['agency-officer'] },
  admin: { sub: 'admin', name: 'Hub administrator', agency: 'hbc', roles: ['admin'] },
};
