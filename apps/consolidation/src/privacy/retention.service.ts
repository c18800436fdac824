import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AGENCIES } from '../../../../libs/contracts/src';
import { HubLogger } from '../../../../libs/platform/src';
import { RetentionPolicy } from './retention-policy';

const SCHEMA = 'consolidation';
const DAY_MS = 86_400_000;
/** Agencies and their cutoffs, as an SQL row source over $1 (agencies) and $2 (cutoffs). */
const CUT = `unnest($1::text[], $2::timestamptz[]) AS k(agency, cutoff)`;
/**
 * A person is linked in a short transaction of its own before the batch writes their
 * chronology: one touched within this time of the sweep is not taken for a person whose
 * records have all gone.
 */
const LINK_GRACE = '1 hour';

export interface SweepReport {
  /** set when another instance holds the sweep lock: nothing was done */
  skipped?: string;
  /** per agency: records that happened before this were deleted */
  sweptTo: Record<string, string>;
  /** agencies the agreements give no retention: nothing of theirs was deleted */
  keptWhole: string[];
  /** per agency (or `all` for tables not kept per agency), per table: rows deleted */
  deleted: Record<string, Record<string, number>>;
}

/**
 * Deletes what consolidation holds beyond the agreed retention (`RetentionPolicy`): chronology,
 * DA incidents, the MARAC referrals they triggered, ASB reports and actions whose time is
 * before their agency's cutoff; closed work items beyond every agency's; then persons with no
 * chronology left (with their blocking keys, review items and link decisions) and subjects
 * with nobody left. One transaction, under a PostgreSQL advisory lock so one instance sweeps
 * at a time. Logs counts and agencies only.
 */
@Injectable()
export class RetentionService {
  private readonly log = new HubLogger('retention');

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: RetentionPolicy,
  ) {}

  async sweep(now = new Date()): Promise<SweepReport> {
    const cutoffs = this.policy.cutoffs(now);
    const report: SweepReport = {
      sweptTo: Object.fromEntries([...cutoffs].map(([a, c]) => [a, c.toISOString()])),
      keptWhole: AGENCIES.filter((a) => !cutoffs.has(a)),
      deleted: {},
    };
    const done = await this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext('consolidation'), hashtext('retention-sweep')) AS locked`);
      if (!locked) return false;
      await this.deleteExpired(m, cutoffs, now, report.deleted);
      await m.query(`INSERT INTO ${SCHEMA}.retention_sweeps (started_at, swept_to, deleted) VALUES ($1, $2, $3)`, [now.toISOString(), report.sweptTo, report.deleted]);
      return true;
    });
    if (!done) {
      report.skipped = 'another instance is sweeping';
      this.log.log('retention sweep skipped: another instance is sweeping');
    } else {
      this.log.log('retention sweep', { sweptTo: report.sweptTo, keptWhole: report.keptWhole, deleted: report.deleted });
    }
    return report;
  }

  private async deleteExpired(m: EntityManager, cutoffs: Map<string, Date>, now: Date, deleted: SweepReport['deleted']): Promise<void> {
    const cut = [[...cutoffs.keys()], [...cutoffs.values()].map((c) => c.toISOString())];
    const perAgency = async (table: string, sql: string, params: unknown[] = cut) => {
      const rows: { agency: string; n: number }[] = await m.query(`WITH gone AS (${sql}) SELECT agency, count(*)::int AS n FROM gone GROUP BY agency`, params);
      for (const r of rows) (deleted[r.agency] ??= {})[table] = r.n;
    };
    const overall = (table: string, n: number) => {
      if (n > 0) (deleted.all ??= {})[table] = n;
    };

    await perAgency('chronology', `DELETE FROM ${SCHEMA}.chronology c USING ${CUT} WHERE c.agency = k.agency AND c.occurred_at < k.cutoff RETURNING c.agency`);
    await perAgency('impersonal_records', `DELETE FROM ${SCHEMA}.impersonal_records r USING ${CUT} WHERE r.agency = k.agency AND r.occurred_at < k.cutoff RETURNING r.agency`);
    // A referral is as old as the incident that triggered it (triggered_at is the incident's time).
    await perAgency('marac_referrals', `DELETE FROM ${SCHEMA}.marac_referrals r USING ${CUT} WHERE r.trigger_agency = k.agency AND r.triggered_at < k.cutoff RETURNING r.trigger_agency AS agency`);
    await perAgency('da_incidents', `DELETE FROM ${SCHEMA}.da_incidents d USING ${CUT} WHERE d.agency = k.agency AND d.occurred_at < k.cutoff RETURNING d.agency`);
    await perAgency('asb_reports', `DELETE FROM ${SCHEMA}.asb_reports a USING ${CUT} WHERE a.agency = k.agency AND a.reported_at < k.cutoff RETURNING a.agency`);
    await perAgency('asb_actions', `DELETE FROM ${SCHEMA}.asb_actions a USING ${CUT} WHERE a.agency = k.agency AND a.taken_at < k.cutoff RETURNING a.agency`);

    // Work items draw on several agencies' records: closed ones go once past every agency's
    // retention (open ones wait for the team that owns them). Not at all while an agency has none.
    if (AGENCIES.every((a) => cutoffs.has(a))) {
      const earliest = new Date(Math.min(...AGENCIES.map((a) => cutoffs.get(a)!.getTime())));
      overall('work_items', (await m.query(`DELETE FROM ${SCHEMA}.work_items WHERE status <> 'open' AND raised_at < $1`, [earliest.toISOString()]))[1]);
    }

    // Persons whose records have all gone, with what is kept about them for identity.
    const gone: { agency: string; person_ref: string }[] = await m.query(
      `SELECT p.agency, p.person_ref FROM ${SCHEMA}.persons p JOIN ${CUT} ON p.agency = k.agency
        WHERE greatest(p.linked_at, p.updated_at) < $3::timestamptz - interval '${LINK_GRACE}'
          AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.chronology c WHERE c.agency = p.agency AND c.person_ref = p.person_ref)
        FOR UPDATE OF p`,
      [...cut, now.toISOString()],
    );
    if (gone.length > 0) {
      const people = [gone.map((g) => g.agency), gone.map((g) => g.person_ref)];
      const P = `unnest($1::text[], $2::text[]) AS g(agency, ref)`;
      await perAgency('identity_reviews', `DELETE FROM ${SCHEMA}.identity_reviews r USING ${P}
        WHERE (r.agency = g.agency AND r.person_ref = g.ref) OR (r.candidate_agency = g.agency AND r.candidate_ref = g.ref) RETURNING g.agency`, people);
      await perAgency('link_decisions', `DELETE FROM ${SCHEMA}.link_decisions l USING ${P} WHERE l.agency = g.agency AND l.person_ref = g.ref RETURNING l.agency`, people);
      await perAgency('person_keys', `DELETE FROM ${SCHEMA}.person_keys pk USING ${P} WHERE pk.agency = g.agency AND pk.person_ref = g.ref RETURNING pk.agency`, people);
      await perAgency('persons', `DELETE FROM ${SCHEMA}.persons p USING ${P} WHERE p.agency = g.agency AND p.person_ref = g.ref RETURNING p.agency`, people);
    }

    // Subjects with nobody left and nothing pointing at them. A merged-away id stays while its
    // survivor has people (it still resolves), so chains go from the old end: repeat until none.
    let subjects = 0;
    for (;;) {
      const [, n]: [unknown[], number] = await m.query(
        `DELETE FROM ${SCHEMA}.subjects s
          WHERE s.erased_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.persons p WHERE p.subject_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.marac_referrals r WHERE r.subject_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.work_items w WHERE w.subject_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.subjects o WHERE o.merged_into = s.id)
            AND (s.merged_into IS NULL OR NOT EXISTS (SELECT 1 FROM ${SCHEMA}.persons p WHERE p.subject_id = s.merged_into))`,
      );
      subjects += n;
      if (n === 0) break;
    }
    overall('subjects', subjects);
  }
}

/**
 * Runs the sweep on a timer: once shortly after start, then every `RETENTION_SWEEP_INTERVAL_MS`
 * (default 24 h; 0 turns the schedule off, e.g. when a cron job runs `npm run retention:sweep`).
 * The timers do not keep the process alive; a sweep under way is awaited on shutdown.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HubLogger('retention');
  private readonly timers: NodeJS.Timeout[] = [];
  private running?: Promise<unknown>;

  constructor(private readonly retention: RetentionService) {}

  onApplicationBootstrap(): void {
    const every = Number(process.env.RETENTION_SWEEP_INTERVAL_MS ?? DAY_MS);
    if (!(every > 0)) {
      this.log.log('retention sweep not scheduled (RETENTION_SWEEP_INTERVAL_MS=0)');
      return;
    }
    const run = () => {
      this.running ??= this.retention
        .sweep()
        .catch((error) => this.log.error('retention sweep failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => (this.running = undefined));
    };
    this.timers.push(setTimeout(run, Math.min(60_000, every)).unref(), setInterval(run, every).unref());
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }
}
