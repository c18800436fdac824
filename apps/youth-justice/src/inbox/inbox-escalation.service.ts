import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { HubLogger } from '../../../../libs/platform/src';
import { Clock, INBOX_CLOCK, inboxStatusEvent, InboxRow, YJS_SCHEMA } from './custody-inbox.service';

/** A setting that must be a number at least `min`: a bad one stops the service at start, named. */
function numberFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}, not "${raw}"`);
  return value;
}

/**
 * A child in custody must not wait on an unread notification: one nobody of the team has
 * acknowledged within YJS_ACK_ESCALATE_AFTER_MINUTES (default 60) of reaching the inbox goes
 * to the team's managers (GET /notifications?status=escalated) and the hub is told
 * (escalated event). A timer checks every YJS_ESCALATION_CHECK_MS (default 15000; 0: never).
 */
@Injectable()
export class InboxEscalation implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HubLogger('custody-inbox');
  readonly afterMinutes = numberFromEnv('YJS_ACK_ESCALATE_AFTER_MINUTES', 60, 0);
  private readonly checkEveryMs = numberFromEnv('YJS_ESCALATION_CHECK_MS', 15_000, 0);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(INBOX_CLOCK) readonly now: Clock,
  ) {}

  /**
   * Escalates every notification still unacknowledged and not yet escalated that was
   * received more than the set minutes before `now`, with one event each, in one transaction.
   * The conditions are in the UPDATE itself, so with several instances a row escalates once:
   * a concurrent sweep waits on the row lock, then finds it escalated and skips it.
   * Returns how many it escalated.
   */
  async escalateDue(now = this.now()): Promise<number> {
    const receivedBefore = new Date(now.getTime() - this.afterMinutes * 60_000);
    const rows = await this.dataSource.transaction(async (manager) => {
      const [escalated] = (await manager.query(
        `UPDATE ${YJS_SCHEMA}.custody_inbox SET escalated_at = $1
          WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND received_at < $2
          RETURNING notification_id, custody_ref, team, raised_event_id, correlation_id`,
        [now, receivedBefore],
      )) as [Pick<InboxRow, 'notification_id' | 'custody_ref' | 'team' | 'raised_event_id' | 'correlation_id'>[], number];
      await enqueueEvents(manager, YJS_SCHEMA, escalated.map((row) => inboxStatusEvent(row, 'escalated', now)));
      return escalated;
    });
    if (rows.length > 0) {
      this.relay.nudge();
      this.log.warn('custody notifications escalated to the team managers: not acknowledged in time', {
        count: rows.length,
        afterMinutes: this.afterMinutes,
        notificationIds: rows.map((r) => r.notification_id),
      });
    }
    return rows.length;
  }

  onApplicationBootstrap(): void {
    if (this.checkEveryMs === 0) {
      this.log.log('custody inbox escalation not scheduled (YJS_ESCALATION_CHECK_MS=0)');
      return;
    }
    this.timer = setInterval(() => {
      // One sweep at a time in this instance; a slow one is not stacked on.
      this.running ??= this.escalateDue()
        .catch((error) => this.log.error('custody inbox escalation failed; next check retries', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => (this.running = undefined));
    }, this.checkEveryMs).unref();
  }

  /** Before the pool closes: no new sweep, and the running one finishes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
