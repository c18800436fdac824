import { Page } from './page.js';
import { agencyPages } from './pages/agency.js';
import { analystPages } from './pages/analyst.js';
import { auditPages } from './pages/audit.js';
import { custodyPages } from './pages/custody-board.js';
import { identityPages } from './pages/identity.js';
import { maracPages } from './pages/marac.js';
import { notificationPages } from './pages/notifications.js';
import { yjsPages } from './pages/yjs-inbox.js';

/** Every page, in the order of the main navigation. A user's home is the first they may open. */
export const PAGES: Page[] = [...maracPages, ...identityPages, ...custodyPages, ...yjsPages, ...analystPages, ...auditPages, ...agencyPages, ...notificationPages];
