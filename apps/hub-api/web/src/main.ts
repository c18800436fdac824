import { Api, errorSummary } from './api.js';
import { h, replace } from './dom.js';
import { heading, Page, PageContext } from './page.js';
import { signInPage } from './pages/sign-in.js';
import { PAGES } from './routes.js';
import { Session } from './session.js';

/**
 * The single-page shell: hash routes (`#/custody`), sign-in, the main navigation for the
 * user's roles, and one page at a time in <main>. Moving to a page sets the document title
 * and puts focus on its heading, so keyboard and screen-reader users start there.
 */
const session = new Session();
const api = new Api(session, () => navigate('/sign-in'));
const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const who = document.getElementById('who')!;
const announcer = document.getElementById('announcer')!;

let leaving: (() => void)[] = [];
let rendering = 0;

function navigate(path: string): void {
  if (location.hash === `#${path}`) void render();
  else location.hash = `#${path}`;
}

function announce(text: string): void {
  // cleared first so the same words twice are read twice
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

const allowed = (page: Page) => session.has(...page.roles);

function renderChrome(current: Page | null): void {
  const pages = PAGES.filter((p) => p.nav && allowed(p));
  replace(
    nav,
    session.user && pages.length > 0
      ? h('ul', null, pages.map((p) => h('li', null, h('a', { href: `#${p.path}`, 'aria-current': p === current ? 'page' : null }, p.nav!))))
      : null,
  );
  nav.hidden = !session.user || pages.length === 0;
  replace(
    who,
    session.user
      ? [
          h('span', null, 'Signed in as ', h('strong', null, session.user.name)),
          h('button', { type: 'button', class: 'secondary', onclick: () => { session.clear(); navigate('/sign-in'); } }, 'Sign out'),
        ]
      : null,
  );
}

async function render(): Promise<void> {
  const hash = location.hash || '#/';
  // `#main` and other plain anchors are in-page links, not routes
  if (!hash.startsWith('#/')) return;
  const [path, search = ''] = hash.slice(1).split('?');
  const ticket = ++rendering;
  for (const cleanup of leaving) cleanup();
  leaving = [];

  let page: Page | null = null;
  let params: Record<string, string> = {};
  if (path === '/sign-in' || !session.user) {
    if (path !== '/sign-in') return navigate(`/sign-in?next=${encodeURIComponent(path)}`);
    page = signInPage;
  } else if (path === '/' || path === '') {
    const home = PAGES.find((p) => p.nav && allowed(p));
    if (home) return navigate(home.path);
  } else {
    for (const candidate of PAGES) {
      const found = match(candidate.path, path);
      if (found) {
        page = candidate;
        params = found;
        break;
      }
    }
  }
  renderChrome(page);

  let content: Node;
  if (!page) {
    document.title = 'Page not found – safer-hub';
    content = h('div', null, heading(path === '/' ? 'Nothing here for your role yet' : 'Page not found'), h('p', null, h('a', { href: '#/' }, 'Go to your home page')));
  } else if (page !== signInPage && !allowed(page)) {
    document.title = 'Not allowed – safer-hub';
    content = h('div', null, heading('You cannot open this page'), h('p', null, `Your role does not include ${page.title.toLowerCase()}.`), h('p', null, h('a', { href: '#/' }, 'Go to your home page')));
  } else {
    document.title = `${page.title} – safer-hub`;
    replace(main, h('p', { role: 'status' }, `Loading ${page.title.toLowerCase()}…`));
    const ctx: PageContext = {
      params,
      query: new URLSearchParams(search),
      api,
      session,
      user: session.user!,
      navigate,
      onLeave: (cleanup) => leaving.push(cleanup),
      announce,
      refresh: () => void render(),
    };
    try {
      content = await page.render(ctx);
    } catch (error) {
      content = h('div', null, heading(page.title), errorSummary(error));
    }
  }
  if (ticket !== rendering) return; // the user has moved on while this page loaded
  replace(main, content);
  const title = main.querySelector<HTMLElement>('h1');
  (title ?? main).focus();
}

document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector<HTMLElement>('h1') ?? main).focus();
});
window.addEventListener('hashchange', () => void render());
void render();
