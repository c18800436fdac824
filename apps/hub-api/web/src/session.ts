/** Who is signed in: the hub token's claims. */
export interface SessionUser {
  sub: string;
  name: string;
  agency: string;
  roles: string[];
  team?: string;
}

const KEY = 'safer-hub.session';

/**
 * The bearer token lives in sessionStorage: gone when the tab closes, never in a cookie
 * (so no CSRF), and the page's Content-Security-Policy allows no script but the app's own.
 */
export class Session {
  token: string | null = null;
  user: SessionUser | null = null;

  constructor() {
    const saved = sessionStorage.getItem(KEY);
    if (saved) this.start(saved);
  }

  start(token: string): void {
    const claims = decodeClaims(token);
    if (!claims || (claims.exp && claims.exp * 1000 < Date.now())) return this.clear();
    this.token = token;
    this.user = { sub: claims.sub, name: claims.name ?? claims.sub, agency: claims.agency ?? '', roles: claims.roles ?? [], team: claims.team };
    sessionStorage.setItem(KEY, token);
  }

  clear(): void {
    this.token = null;
    this.user = null;
    sessionStorage.removeItem(KEY);
  }

  has(...roles: string[]): boolean {
    return !!this.user && this.user.roles.some((r) => roles.includes(r));
  }
}

/** The JWT's payload, for display and routing only: the hub checks the signature on every call. */
function decodeClaims(token: string): (SessionUser & { exp?: number }) | null {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(payload), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}
