import { errorSummary } from '../api.js';
import { h } from '../dom.js';
import { heading, Page } from '../page.js';

interface DemoUser {
  user: string;
  name: string;
  roles: string[];
  agency: string;
}

const ROLE_NAMES: Record<string, string> = {
  'marac-coordinator': 'MARAC coordinator',
  'marac-member': 'MARAC member',
  'custody-navigator': 'Custody navigator',
  'yjs-officer': 'YJS officer',
  'yjs-manager': 'YJS manager',
  'school-safeguarding-lead': 'School safeguarding lead',
  analyst: 'Analyst',
  auditor: 'Auditor',
  'agency-officer': 'Agency officer',
  admin: 'Administrator',
};

/**
 * Sign-in. On the default run (demo mode) it lists the demo users; in production hub-api
 * has no demo users and the page sends people to the partnership's identity provider
 * (OIDC, see docs/design.md).
 */
export const signInPage: Page = {
  path: '/sign-in',
  title: 'Sign in',
  roles: [],
  purpose: '',
  async render(ctx) {
    const next = ctx.query.get('next') || '/';
    const res = await fetch('/api/auth/demo-users');
    if (res.status === 404) {
      return h(
        'div',
        null,
        heading('Sign in'),
        h('p', null, 'This hub is not running in demo mode: people sign in with their organisation’s account through the partnership’s identity provider (OpenID Connect).'),
        h('p', null, 'If you reached this page without being asked to sign in, tell your hub administrator.'),
      );
    }
    const users: DemoUser[] = await res.json();
    const status = h('div');
    const choose = async (user: DemoUser) => {
      try {
        const token = await fetch('/api/auth/demo-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: user.user }) });
        if (!token.ok) throw new Error(`sign-in refused (${token.status})`);
        ctx.session.start((await token.json()).token);
        ctx.navigate(next.startsWith('/') && next !== '/sign-in' ? next : '/');
      } catch (error) {
        status.replaceChildren(errorSummary(error));
      }
    };
    return h(
      'div',
      null,
      heading('Sign in', undefined, 'Demo run: choose who you are. Every person and record here is fictional.'),
      status,
      h(
        'ul',
        { class: 'users', 'aria-label': 'Demo users' },
        users.map((user) =>
          h(
            'li',
            null,
            h('button', { type: 'button', class: 'secondary', onclick: () => void choose(user) }, user.name, h('span', { class: 'roles' }, user.roles.map((r) => ROLE_NAMES[r] ?? r).join(', '))),
          ),
        ),
      ),
    );
  },
};
