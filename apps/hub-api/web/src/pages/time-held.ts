import { fmt, h, replace, tag } from '../dom.js';
import { PageContext } from '../page.js';

/** how often time held moves on between the page's reads */
const TICK_MS = 15_000;
/** the Children in Custody report's threshold */
const LONG_HOLD_MS = 12 * 3_600_000;

/**
 * A child's time held, from arrival to release (or now while still held), as the custody
 * board and the YJS inbox show it; flagged at 12 hours or more.
 */
export function heldCell(arrivedAt: string, until: string | null | undefined): HTMLElement {
  const cell = h('span', { 'data-arrived': arrivedAt, 'data-until': until ?? '' });
  tick(cell);
  return cell;
}

function tick(cell: HTMLElement): void {
  const until = cell.dataset.until ? Date.parse(cell.dataset.until) : Date.now();
  const ms = until - Date.parse(cell.dataset.arrived!);
  replace(cell, fmt.duration(ms), ms >= LONG_HOLD_MS ? [' ', tag('12 h or more', 'yellow')] : null);
}

/** Moves every time-held cell under `root` on, until the user leaves the page. */
export function keepTimeHeldTicking(root: ParentNode, ctx: PageContext): void {
  const timer = setInterval(() => root.querySelectorAll<HTMLElement>('[data-arrived]').forEach(tick), TICK_MS);
  ctx.onLeave(() => clearInterval(timer));
}
