import { EdgeContext, EdgeExtension } from '../../../../libs/edge/src';
import { OutboxRelay } from '../../../../libs/messaging/src';
import { HubLogger, TokenService } from '../../../../libs/platform/src';
import { CustodyInboxController } from './custody-inbox.controller';
import { CustodyInboxHandler } from './custody-inbox.handler';
import { Clock, CustodyInboxService, INBOX_CLOCK } from './custody-inbox.service';
import { INBOX_TOKENS, InboxAuthGuard } from './inbox-auth.guard';
import { InboxEscalation } from './inbox-escalation.service';

/** The inbox's consumer group on the hub's custody notifications topic. */
export const YJS_INBOX_GROUP = 'youth-justice-inbox';

/**
 * Without HUB_JWT_SECRET outside demo mode this process cannot check a hub token. The edge
 * still takes records and fills the inbox; only the inbox's HTTP routes answer 503.
 */
function inboxTokens(): TokenService | null {
  try {
    return new TokenService();
  } catch (error) {
    new HubLogger('custody-inbox').error('the custody inbox cannot verify hub tokens: its routes answer 503 until HUB_JWT_SECRET is set', {
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

/** The custody inbox as an extension of the youth-justice edge (issue 6, point 3). */
export function custodyInbox(opts: { now?: Clock } = {}): (edge: EdgeContext) => EdgeExtension {
  return (edge) => ({
    consumerGroup: YJS_INBOX_GROUP,
    controllers: [CustodyInboxController, CustodyInboxHandler],
    providers: [
      CustodyInboxService,
      InboxEscalation,
      InboxAuthGuard,
      { provide: OutboxRelay, useValue: edge.relay },
      { provide: INBOX_CLOCK, useValue: opts.now ?? (() => new Date()) },
      { provide: INBOX_TOKENS, useValue: inboxTokens() },
    ],
  });
}
