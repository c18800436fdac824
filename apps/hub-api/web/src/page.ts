import { Api } from './api.js';
import { Child, h } from './dom.js';
import { Session, SessionUser } from './session.js';

/** What a page is given when it renders. */
export interface PageContext {
  /** `:name` segments of the route */
  params: Record<string, string>;
  /** the part after `?` in the hash (`#/audit?subjectId=…`) */
  query: URLSearchParams;
  api: Api;
  session: Session;
  user: SessionUser;
  /** go to an app path, e.g. `/marac/referrals/<id>` */
  navigate(path: string): void;
  /** runs when the user leaves the page: stop timers, close streams */
  onLeave(cleanup: () => void): void;
  /** a polite screen-reader announcement (new arrivals, saved, progress) */
  announce(text: string): void;
  /** render the page again, e.g. after an action changed what it shows */
  refresh(): void;
}

/** One screen of the app. */
export interface Page {
  /** the route, with `:name` segments: `/marac/referrals/:id` */
  path: string;
  /** the document title (WCAG 2.4.2); the page's own h1 says more */
  title: string;
  /** its label in the main navigation; pages without one are reached by links */
  nav?: string;
  /** who may open it (the hub checks again on every call) */
  roles: string[];
  /** the ISA purpose the page's calls state in X-Purpose, shown to the user */
  purpose: string;
  render(ctx: PageContext): Promise<Node> | Node;
}

/** A link to an app path. */
export const link = (path: string, ...children: Child[]) => h('a', { href: `#${path}` }, ...children);

/** The page heading with the purpose under which it reads, so users see why they see what they see. */
export function heading(title: string, purpose?: string, lead?: string): HTMLElement[] {
  return [
    h('h1', { tabindex: -1 }, title),
    ...(purpose ? [h('p', { class: 'purpose' }, 'Purpose: ', h('strong', null, purpose))] : []),
    ...(lead ? [h('p', { class: 'lead' }, lead)] : []),
  ];
}
