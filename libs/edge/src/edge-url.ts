import { Agency } from '../../contracts/src';

/** Where each agency edge listens by default (README, docker-compose). */
export const DEFAULT_EDGE_PORTS: Record<Agency, number> = { police: 3001, fire: 3002, housing: 3003, treatment: 3004, 'youth-justice': 3005 };

/**
 * An agency edge's base URL: `$<AGENCY>_URL` (e.g. HOUSING_URL, YOUTH_JUSTICE_URL), else
 * 127.0.0.1 on `$<AGENCY>_PORT` or the default port. The import CLI and hub-api's gateway
 * for the web app both find edges this way.
 */
export function edgeUrl(agency: Agency): string {
  const envName = agency.replace(/-/g, '_').toUpperCase();
  return process.env[`${envName}_URL`] ?? `http://127.0.0.1:${process.env[`${envName}_PORT`] ?? DEFAULT_EDGE_PORTS[agency]}`;
}
