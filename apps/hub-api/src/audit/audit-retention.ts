import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { longerRetention, PolicyDecisionPoint, subtractDuration } from '../../../../libs/isa/src';
import { HubLogger } from '../../../../libs/platform/src';

/** The purpose whose retention governs the audit log. */
const AUDIT_PURPOSE = 'audit.oversight';

/**
 * Deletes audit rows older than the agreement keeps them (the longest retention of the
 * `audit.oversight` purpose), oldest first and only as a run from the start of the chain,
 * then anchors the chain at the first row kept so `audit:verify` still proves the rest.
 * Runs daily in hub-api (`RETENTION_SWEEP_INTERVAL_MS`, 0: never), one instance at a time.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HubLogger('audit-retention');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyDecisionPoint,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(process.env.RETENTION_SWEEP_INTERVAL_MS ?? 86_400_000);
    if (every <= 0) return;
    const run = () => this.sweep().catch((error) => this.log.error('audit retention sweep failed', { error: String(error) }));
    this.timer = setInterval(run, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The retention of the audit log now: the longest any party is given under `audit.oversight`. */
  retention(): string | undefined {
    const periods = this.policy.current().flatMap((a) => Object.values(a.purposes[AUDIT_PURPOSE]?.retention ?? {}));
    return periods.length ? periods.reduce(longerRetention) : undefined;
  }

  async sweep(now = new Date()): Promise<{ deleted: number; cutoff?: string; firstKept?: string }> {
    const retention = this.retention();
    if (!retention) return { deleted: 0 }; // no agreed period: keep everything
    const cutoff = subtractDuration(now, retention);
    return this.dataSource.transaction(async (m) => {
      // the same lock writers take: no row is appended mid-sweep
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('hub.audit_log'))`);
      const [first] = await m.query(`SELECT id, prev_hash FROM hub.audit_log WHERE at >= $1 ORDER BY id LIMIT 1`, [cutoff.toISOString()]);
      const [{ max }] = await m.query(`SELECT max(id) AS max FROM hub.audit_log`);
      // Everything before the first row inside retention goes; if none is inside, all but the last
      // row go, so the chain keeps a row to carry on from.
      const keepFrom = first ?? (max ? (await m.query(`SELECT id, prev_hash FROM hub.audit_log WHERE id = $1`, [max]))[0] : undefined);
      if (!keepFrom) return { deleted: 0, cutoff: cutoff.toISOString() };
      await m.query(`SET LOCAL hub.audit_sweep = 'on'`);
      const [, deleted] = await m.query(`DELETE FROM hub.audit_log WHERE id < $1`, [keepFrom.id]);
      if (deleted > 0) {
        await m.query(`INSERT INTO hub.audit_anchors (first_id, prev_hash, cutoff, rows_deleted) VALUES ($1, $2, $3, $4)`, [keepFrom.id, keepFrom.prev_hash, cutoff.toISOString(), deleted]);
        this.log.log('audit rows past retention deleted', { deleted, retention, firstKept: String(keepFrom.id) });
      }
      return { deleted, cutoff: cutoff.toISOString(), firstKept: String(keepFrom.id) };
    });
  }
}
