import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { CloudEvent, EventTypes, newEvent, Topics } from '../libs/contracts/src';
import { expectedReferrals } from '../test/support/expected';
import { createKafka, kafkaBrokers, physicalTopic } from '../libs/messaging/src/kafka/kafka-config';
import { KafkaPublisher } from '../libs/messaging/src/kafka/kafka-publisher';
import { ensureTopics } from '../libs/messaging/src/kafka/kafka-topics';
import { Headers } from '../libs/messaging/src/headers';
import { summariseProfile, ProfileSummary } from './support/cpuprofile';
import { buildDataset, daIncident } from './support/data';
import { CpuAccount, findPids, memoryOf, round, RssSampler } from './support/proc';
import { BenchService, ROOT, sleep, startService } from './support/services';
import { distribution, Distribution, fmtDist, fmtInt, fmtMB, table } from './support/stats';

/**
 * DA-incident benchmark (`npm run bench`). Not a test: it measures and reports, asserts nothing.
 *
 *  1. produce   N synthetic DA incidents (skewed victims) to police.domestic-incidents.v1
 *  2. raw       a bare kafkajs consumer reads the same N messages: the ceiling on this machine
 *  3. throughput  BENCH_INSTANCES consolidation processes consume the N from the beginning
 *  4a. latency  BENCH_RATE incidents per second published to Kafka for BENCH_LATENCY_SECONDS on a
 *               fixed timetable; publish-to-referral latency (the figure the issue asks for)
 *  4b. latency  the same through the police edge: BENCH_HTTP_RATE POST /domestic-incidents per second
 *
 * Options (env or --name=value): BENCH_EVENTS (50000), BENCH_RATE (1000), BENCH_HTTP_RATE (250), BENCH_LATENCY_SECONDS (10),
 * BENCH_INSTANCES (1), BENCH_TIMEOUT_SECONDS (900), BENCH_CPU_PROF (0: 1 profiles the
 * consolidation processes with --cpu-prof), BENCH_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres),
 * KAFKA_BROKERS (unset: a broker is started on 127.0.0.1:19192 with deploy/kafka/kafka.sh and stopped after).
 */

interface Options {
  events: number;
  rate: number;
  httpRate: number;
  latencySeconds: number;
  instances: number;
  timeoutSeconds: number;
  cpuProf: boolean;
  adminUrl: string;
}

function option(name: string, fallback: string): string {
  const flag = `--${name.replace(/^BENCH_/, '').toLowerCase().replace(/_/g, '-')}=`;
  const arg = process.argv.find((a) => a.startsWith(flag));
  return arg ? arg.slice(flag.length) : (process.env[name] ?? fallback);
}

function parseOptions(): Options {
  const num = (name: string, fallback: number) => {
    const v = Number(option(name, String(fallback)).replace(/[_,]/g, ''));
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
    return v;
  };
  return {
    events: Math.round(num('BENCH_EVENTS', 50_000)),
    rate: num('BENCH_RATE', 1000),
    httpRate: num('BENCH_HTTP_RATE', 250),
    latencySeconds: num('BENCH_LATENCY_SECONDS', 10),
    instances: Math.round(num('BENCH_INSTANCES', 1)),
    timeoutSeconds: num('BENCH_TIMEOUT_SECONDS', 900),
    cpuProf: ['1', 'true', 'yes'].includes(option('BENCH_CPU_PROF', '0').toLowerCase()),
    adminUrl: option('BENCH_ADMIN_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  };
}

const say = (msg: string) => process.stdout.write(msg + '\n');
const heading = (msg: string) => say(`\n== ${msg}`);
/** Wall-clock milliseconds since the epoch with sub-millisecond resolution (the machine's clock, as PostgreSQL's). */
const clockAnchor = Date.now() - performance.now();
const epochMs = () => clockAnchor + performance.now();

async function main(): Promise<void> {
  const opts = parseOptions();
  const runId = randomBytes(3).toString('hex');
  const prefix = `bench-${runId}.`;
  const group = `bench-${runId}-consolidation`;
  const logDir = join(tmpdir(), `safer-hub-bench-${runId}`);
  mkdirSync(logDir, { recursive: true });
  const startedAt = new Date();
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  const cleanup = async () => {
    while (cleanups.length > 0) {
      const c = cleanups.pop()!;
      await c.run().catch((e) => say(`cleanup (${c.what}) failed: ${e instanceof Error ? e.message : e}`));
    }
  };
  process.once('SIGINT', () => {
    say('\ninterrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  });

  const result: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    runId,
    options: { ...opts, adminUrl: undefined },
    machine: {
      host: hostname(),
      os: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemoryBytes: totalmem(),
      node: process.version,
    },
  };
  say(`safer-hub DA-incident benchmark ${runId}: ${fmtInt(opts.events)} events, ${opts.rate}/s for ${opts.latencySeconds} s, ${opts.instances} consolidation instance(s); ${cpus().length} CPUs, node ${process.version}`);
  say(`service logs: ${logDir}`);

  try {
    // ---------- infrastructure ----------
    let brokers = kafkaBrokers();
    let brokerStarted = false;
    if (!brokers) {
      const port = '19192';
      say(`KAFKA_BROKERS is not set: starting a broker on 127.0.0.1:${port} (deploy/kafka/kafka.sh)`);
      const out = spawnSync('bash', [join(ROOT, 'deploy', 'kafka', 'kafka.sh'), 'start'], { env: { ...process.env, KAFKA_PORT: port, KAFKA_TOPIC_PREFIX: '' }, stdio: 'inherit' });
      if (out.status !== 0) throw new Error(`could not start a Kafka broker with deploy/kafka/kafka.sh (exit ${out.status}); set KAFKA_BROKERS to use a running one`);
      brokers = [`127.0.0.1:${port}`];
      brokerStarted = true;
      cleanups.push({ what: 'stop broker', run: async () => void spawnSync('bash', [join(ROOT, 'deploy', 'kafka', 'kafka.sh'), 'stop'], { env: { ...process.env, KAFKA_PORT: port }, stdio: 'inherit' }) });
    }
    process.env.KAFKA_BROKERS = brokers.join(',');
    process.env.KAFKA_TOPIC_PREFIX = prefix;
    result.kafka = { brokers, started: brokerStarted, topicPrefix: prefix };

    const kafka = createKafka(`bench-${runId}`, brokers);
    await ensureTopics(kafka);
    cleanups.push({
      what: 'delete topics',
      run: async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
          if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
        } finally {
          await admin.disconnect();
        }
      },
    });
    const incidentsTopic = physicalTopic(Topics.PoliceDomesticIncidents);
    const referralsTopic = physicalTopic(Topics.MaracReferrals);

    const dbName = `bench_${runId}`;
    {
      const admin = new Client({ connectionString: opts.adminUrl, connectionTimeoutMillis: 5000 });
      await admin.connect().catch((e) => {
        throw new Error(`PostgreSQL is not reachable at ${opts.adminUrl} (${e.message}); set BENCH_ADMIN_URL`);
      });
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
    }
    cleanups.push({
      what: 'drop database',
      run: async () => {
        const admin = new Client({ connectionString: opts.adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      },
    });
    const dbUrl = (() => {
      const u = new URL(opts.adminUrl);
      u.pathname = `/${dbName}`;
      return u.toString();
    })();
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    cleanups.push({ what: 'close db client', run: () => db.end() });
    const scalar = async (sql: string, params: unknown[] = []) => Number(Object.values((await db.query(sql, params)).rows[0] ?? { n: 0 })[0] ?? 0);

    const serviceEnv: Record<string, string> = {
      DATABASE_URL: dbUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      CONSOLIDATION_GROUP: group,
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: '',
    };
    const services: BenchService[] = [];
    cleanups.push({ what: 'stop services', run: () => Promise.all(services.map((s) => s.stop())) });
    const rss = new RssSampler(() => Object.fromEntries(services.map((s) => [`${s.name}#${s.pid}`, s.pid])));
    rss.start(250);

    // the broker this run started, or every local broker when KAFKA_BROKERS points at a running one
    const kafkaPids = () => findPids((_c, cmd) => cmd.includes('kafka.Kafka') && (!brokerStarted || cmd.includes('safer-hub-kafka-19192')));
    const postgresPids = () => findPids((comm) => comm === 'postgres' || comm.startsWith('postgres'));
    const consolidationPids = () => services.filter((s) => s.name.startsWith('consolidation')).map((s) => s.pid);
    const policePids = () => services.filter((s) => s.name === 'police').map((s) => s.pid);

    // ---------- 1. data and produce ----------
    heading(`1. produce ${fmtInt(opts.events)} DA incidents to ${incidentsTopic}`);
    let t = performance.now();
    const dataset = buildDataset(opts.events, runId);
    const messages = dataset.events.map((e) => ({
      topic: Topics.PoliceDomesticIncidents,
      key: e.partitionkey,
      value: JSON.stringify(e),
      headers: { [Headers.ceType]: e.type },
    }));
    const bytes = messages.reduce((a, m) => a + Buffer.byteLength(m.value) + Buffer.byteLength(m.key), 0);
    const buildMs = performance.now() - t;
    say(`built in ${fmtInt(buildMs)} ms: ${fmtInt(dataset.victims)} victims, hot victims' incidents ${dataset.hotVictimIncidents.join('/')}, mean message ${fmtInt(bytes / opts.events)} B, ${fmtMB(bytes)} in all`);
    const expected = expectedReferrals(dataset.events).size;
    const publisher = new KafkaPublisher(kafka);
    cleanups.push({ what: 'close publisher', run: () => publisher.close() });
    await publisher.publish(messages.slice(0, 1)); // connect (and the idempotent producer's init) outside the timing
    t = performance.now();
    const slice = 5000;
    for (let i = 1; i < messages.length; i += slice) {
      await publisher.publish(messages.slice(i, i + slice));
    }
    const produceMs = performance.now() - t;
    const produceRate = (opts.events - 1) / (produceMs / 1000);
    say(`produced in ${fmtInt(produceMs)} ms: ${fmtInt(produceRate)} msg/s, ${(bytes / 1024 / 1024 / (produceMs / 1000)).toFixed(1)} MB/s (KafkaPublisher: idempotent, acks=all, ≤512 KB requests, one in flight)`);
    result.data = { events: opts.events, victims: dataset.victims, hotVictims: dataset.hotVictimIncidents, maxPerVictim: dataset.maxPerVictim, bytes, meanMessageBytes: Math.round(bytes / opts.events), expectedReferrals: expected };
    result.produce = { ms: Math.round(produceMs), msgPerSec: Math.round(produceRate), mbPerSec: round(bytes / 1024 / 1024 / (produceMs / 1000), 1) };

    // ---------- 2. raw kafkajs ceiling ----------
    heading('2. raw ceiling: bare kafkajs consumer, same topic, no processing');
    // Three reads in three new groups; the median is the ceiling (one read of a few MB is noisy).
    const rawRuns: Awaited<ReturnType<typeof rawConsume>>[] = [];
    for (let r = 1; r <= 3; r++) {
      const run = await rawConsume(kafka, `bench-${runId}-raw-${r}`, incidentsTopic, opts.events);
      say(`read ${r}: ${fmtInt(run.count)} messages, ${fmtInt(run.rateFromFirst)} msg/s from the first message (${fmtInt(run.msFromFirst)} ms), ${fmtInt(run.rateFromSubscribe)} msg/s from subscribe (${fmtInt(run.msFromSubscribe)} ms incl. group join), ${run.mbPerSec.toFixed(1)} MB/s, ${fmtInt(run.batches)} batches`);
      rawRuns.push(run);
    }
    const raw = [...rawRuns].sort((a, b) => a.rateFromFirst - b.rateFromFirst)[1];
    say(`raw ceiling (median of 3): ${fmtInt(raw.rateFromFirst)} msg/s, ${raw.mbPerSec.toFixed(1)} MB/s`);
    result.rawCeiling = { ...raw, runs: rawRuns };

    // ---------- 3. consolidation throughput ----------
    heading(`3. consolidation throughput: ${opts.instances} instance(s) consume the ${fmtInt(opts.events)} from the beginning`);
    const profDir = join(logDir, 'cpu-prof');
    const profArgs = opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
    const spawnAt = performance.now();
    const cpu = new CpuAccount({ consolidation: consolidationPids, postgres: postgresPids, kafka: kafkaPids, bench: () => [process.pid] });
    const started = await Promise.all(
      Array.from({ length: opts.instances }, (_, i) => startService('consolidation', opts.instances === 1 ? 'consolidation' : `consolidation-${i + 1}`, logDir, serviceEnv, profArgs)),
    );
    services.push(...started);
    cpu.start();
    const healthyMs = performance.now() - spawnAt;
    const deadline = performance.now() + opts.timeoutSeconds * 1000;
    let processed = 0;
    let lastPrint = performance.now();
    let lastPrinted = 0;
    while (processed < opts.events && performance.now() < deadline) {
      await sleep(250);
      processed = await scalar(`SELECT count(*) AS n FROM consolidation.processed_events`);
      const now = performance.now();
      if (now - lastPrint >= 1000 || processed >= opts.events) {
        const rate = (processed - lastPrinted) / ((now - lastPrint) / 1000);
        say(`consolidation: ${fmtInt(processed)}/${fmtInt(opts.events)} (${Math.floor((100 * processed) / opts.events)}%) ${fmtInt(rate)} ev/s`);
        lastPrint = now;
        lastPrinted = processed;
      }
      if (services.some((s) => s.process.exitCode !== null)) throw new Error('a consolidation instance exited during the run; see ' + logDir);
    }
    const doneEpoch = epochMs();
    const doneAt = performance.now();
    const cpuThroughput = cpu.stop();
    const timedOut = processed < opts.events;
    if (timedOut) say(`timed out after ${opts.timeoutSeconds} s with ${fmtInt(processed)} processed`);
    const firstTxn = await scalar(`SELECT extract(epoch FROM min(processed_at)) * 1000 AS n FROM consolidation.processed_events`);
    const processingMs = doneEpoch - firstTxn;
    const throughput = processed / (processingMs / 1000);
    const batches = await batchAnalysis(db, cpuThroughput.wallSeconds);
    const referralsRaised = await scalar(`SELECT count(*) AS n FROM consolidation.marac_referrals`);
    say(`consolidation: ${fmtInt(throughput)} ev/s from its first transaction (${fmtInt(processingMs)} ms), ${(100 * throughput / raw.rateFromFirst).toFixed(1)}% of the raw ceiling; ${fmtInt((doneAt - spawnAt) / 1000)} s from spawn (healthy after ${fmtInt(healthyMs)} ms)`);
    say(`referrals raised: ${fmtInt(referralsRaised)} (reference model: ${fmtInt(expected)})`);
    say(`batches: ${fmtInt(batches.count)}, size ${fmtDist(batches.size, 'ev')}`);
    say(`batch cycle (one transaction start to the next${opts.instances > 1 ? ', instances interleaved' : ''}): ${fmtDist(batches.cycleMs)}`);
    say(`in transaction up to the referral insert: ${fmtDist(batches.toReferralInsertMs)}`);
    say(`CPU over ${cpuThroughput.wallSeconds} s: machine ${cpuThroughput.machineBusyPct}% busy of ${cpuThroughput.cores} cores; ` + Object.entries(cpuThroughput.groups).map(([k, v]) => `${k} ${v.coresUsed} cores (${v.kernelPct}% kernel)`).join(', '));
    const drainStart = performance.now();
    await waitUntil(async () => (await scalar(`SELECT count(*) AS n FROM consolidation.outbox WHERE published_at IS NULL`)) === 0, 120_000);
    const relayDrainMs = performance.now() - drainStart;
    const outboxTotal = await scalar(`SELECT count(*) AS n FROM consolidation.outbox`);
    say(`consolidation outbox: ${fmtInt(outboxTotal)} referral events, relay drained ${fmtInt(relayDrainMs)} ms after the last event was processed`);
    result.consolidation = {
      instances: opts.instances,
      processed,
      timedOut,
      msFromFirstTransaction: Math.round(processingMs),
      eventsPerSec: Math.round(throughput),
      ratioToRawCeiling: round(throughput / raw.rateFromFirst, 3),
      msFromSpawn: Math.round(doneAt - spawnAt),
      healthyAfterMs: Math.round(healthyMs),
      referralsRaised,
      expectedReferrals: expected,
      relayDrainMs: Math.round(relayDrainMs),
      batches,
      cpu: cpuThroughput,
    };

    // With profiling on, the profiled instances stop here so that their profiles cover the
    // throughput phase alone; fresh unprofiled instances (same group) take the latency phase.
    const profiledPids = new Map<number, string>();
    if (opts.cpuProf) {
      const profiled = services.splice(0, services.length);
      for (const s of profiled) {
        profiledPids.set(s.pid, `${s.name} (throughput phase)`);
        result.memory = { ...(result.memory as object), [`${s.name} (profiled, throughput phase)`]: { peakRssBytes: memoryOf(s.pid).hwm, sampledPeakRssBytes: rss.peak(`${s.name}#${s.pid}`) } };
      }
      await Promise.all(profiled.map((s) => s.stop()));
      services.push(...(await Promise.all(profiled.map((s) => startService('consolidation', s.name, logDir, serviceEnv)))));
    }

    // The machines here run PostgreSQL with autovacuum off, so tables that grew from empty in
    // phase 3 keep the planner's empty-table estimates (it then scans whole tables for each
    // small batch). Production analyzes automatically; analyze once here, as it would.
    await db.query(`ANALYZE`);

    // ---------- 4a. latency: publish to Kafka at a fixed rate ----------
    heading(`4a. latency: publish to Kafka at ${opts.rate}/s for ${opts.latencySeconds} s, fixed timetable → referral`);
    const kRef = `K${runId}-`;
    const kTotal = Math.round(opts.rate * opts.latencySeconds);
    const kEvent = (ref: string, victim: string) =>
      newEvent({ type: EventTypes.DomesticIncidentRecorded, source: '/safer-hub/police', partitionKey: victim, data: daIncident(ref, victim, new Date(Date.now() - 86_400_000), 15) });
    const kSent = new Map<string, number>();
    /** Open loop: event i is published at t0 + i/rate, whatever happened to the earlier ones. */
    const publishAtRate = async (events: ReturnType<typeof kEvent>[]) => {
      const interval = 1000 / opts.rate;
      const t0 = performance.now() + 10;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < events.length; i++) {
        const wait = t0 + i * interval - performance.now();
        if (wait > 0) await sleep(wait);
        const e = events[i];
        kSent.set(e.data.incidentRef, epochMs());
        sends.push(publisher.publish([{ topic: Topics.PoliceDomesticIncidents, key: e.partitionkey, value: JSON.stringify(e), headers: { [Headers.ceType]: e.type } }]));
      }
      await Promise.all(sends);
    };
    // warm-up: two seconds at the target rate (own refs, not measured), as phase 4b has. Without
    // it, a broker the benchmark had just started gave p99 3.1 s where a warm one gave 0.2 s.
    const kWarm = Array.from({ length: Math.round(opts.rate * 2) }, (_, i) => kEvent(`KW${runId}-${i}`, `KWV${runId}-${i}`));
    await publishAtRate(kWarm);
    await waitUntil(async () => (await scalar(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE $1`, [`KW${runId}-%`])) >= kWarm.length, 60_000).catch(() => undefined);
    const cpuK = new CpuAccount({ consolidation: consolidationPids, postgres: postgresPids, kafka: kafkaPids, bench: () => [process.pid] });
    cpuK.start();
    await publishAtRate(Array.from({ length: kTotal }, (_, i) => kEvent(`${kRef}${i}`, `KV${runId}-${i}`)));
    const kArrived = await waitUntil(
      async () => (await scalar(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE $1`, [`${kRef}%`])) >= kTotal,
      120_000,
    ).then(() => true, () => false);
    const cpuKafkaLatency = cpuK.stop();
    const kRows = (await db.query(`SELECT trigger_incident_ref AS ref, extract(epoch FROM created_at) * 1000 AS at FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE $1`, [`${kRef}%`])).rows;
    const kLatency = distribution(kRows.map((r: { ref: string; at: string }) => Number(r.at) - kSent.get(r.ref)!));
    say(`publish-to-referral (referral created_at − publish start), ${fmtInt(kRows.length)}/${fmtInt(kTotal)} referrals: ${fmtDist(kLatency)}${kArrived ? '' : ' — NOT ALL REFERRALS ARRIVED within 120 s'}`);
    say(`CPU over ${cpuKafkaLatency.wallSeconds} s: machine ${cpuKafkaLatency.machineBusyPct}% busy; ` + Object.entries(cpuKafkaLatency.groups).map(([k, v]) => `${k} ${v.coresUsed} cores`).join(', '));
    result.kafkaLatency = { rate: opts.rate, seconds: opts.latencySeconds, offered: kTotal, allReferralsArrived: kArrived, publishToReferralMs: kLatency, cpu: cpuKafkaLatency };

    // ---------- 4b. latency through the police edge at a fixed offered rate ----------
    heading(`4b. latency: police POST /domestic-incidents at ${opts.httpRate}/s for ${opts.latencySeconds} s, fixed timetable`);
    const latRef = `L${runId}-`;
    const seenOnKafka = new Map<string, number>();
    const referralConsumer = await watchReferrals(kafka, `bench-${runId}-referrals`, referralsTopic, latRef, seenOnKafka);
    cleanups.push({ what: 'referral consumer', run: () => referralConsumer.disconnect() });
    const police = await startService('police', 'police', logDir, serviceEnv, profArgs);
    services.push(police);
    const url = `${police.url}/domestic-incidents`;

    // warm-up: one second at the target rate (own refs, not measured)
    const warm = Array.from({ length: Math.min(Math.round(opts.httpRate), 1000) }, (_, i) => JSON.stringify(daIncident(`W${runId}-${i}`, `WV${runId}-${i}`, new Date(Date.now() - 86_400_000), 15)));
    await offer(url, warm, opts.httpRate);
    await waitUntil(async () => (await scalar(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE $1`, [`W${runId}-%`])) >= warm.length, 60_000).catch(() => undefined);

    const total = Math.round(opts.httpRate * opts.latencySeconds);
    const bodies = Array.from({ length: total }, (_, i) => JSON.stringify(daIncident(`${latRef}${i}`, `LV${runId}-${i}`, new Date(Date.now() - 86_400_000), 15)));
    const cpuLat = new CpuAccount({ police: policePids, consolidation: consolidationPids, postgres: postgresPids, kafka: kafkaPids, bench: () => [process.pid] });
    cpuLat.start();
    const sent = await offer(url, bodies, opts.httpRate);
    const ok = sent.filter((s) => s.status === 201);
    const achievedRate = (sent.length - 1) / ((sent[sent.length - 1].start - sent[0].start) / 1000);
    const completedRate = ok.length / ((Math.max(...sent.map((s) => s.end)) - sent[0].start) / 1000);
    say(`offered ${fmtInt(sent.length)} at ${achievedRate.toFixed(0)}/s achieved (target ${opts.httpRate}/s); ${fmtInt(ok.length)} answered 201, ${fmtInt(sent.length - ok.length)} failed; police completed ${completedRate.toFixed(0)}/s (first send to last answer)`);
    const referralWait = await waitUntil(
      async () => (await scalar(`SELECT count(*) AS n FROM consolidation.marac_referrals WHERE trigger_incident_ref LIKE $1`, [`${latRef}%`])) >= ok.length,
      120_000,
    ).then(() => true, () => false);
    await waitUntil(async () => seenOnKafka.size >= ok.length, 30_000).catch(() => undefined);
    const cpuLatency = cpuLat.stop();
    const stages = await latencyStages(db, latRef, sent, seenOnKafka);
    say(`publish-to-referral (referral created_at − POST start): ${fmtDist(stages.total)}${referralWait ? '' : ' — NOT ALL REFERRALS ARRIVED within 120 s'}`);
    say(`POST response: ${fmtDist(distribution(ok.map((s) => s.end - s.start)))}`);
    say(`timetable slip (actual − scheduled send): ${fmtDist(distribution(sent.map((s) => s.slip)))}`);
    say(`publish-to-referral event on Kafka (seen by a consumer): ${fmtDist(stages.kafkaEvent)}`);
    say('where the latency goes (per incident, p50 / p99):');
    for (const [name, d] of Object.entries(stages.parts)) say(`  ${name.padEnd(58)} ${d ? `${d.p50} / ${d.p99} ms` : 'n/a'}`);
    say(`CPU over ${cpuLatency.wallSeconds} s: machine ${cpuLatency.machineBusyPct}% busy; ` + Object.entries(cpuLatency.groups).map(([k, v]) => `${k} ${v.coresUsed} cores (${v.kernelPct}% kernel)`).join(', '));
    result.latency = {
      targetRate: opts.httpRate,
      seconds: opts.latencySeconds,
      offered: sent.length,
      achievedRate: round(achievedRate, 1),
      policeCompletedRate: round(completedRate, 1),
      ok: ok.length,
      failed: sent.length - ok.length,
      failures: summariseFailures(sent),
      allReferralsArrived: referralWait,
      publishToReferralMs: stages.total,
      postResponseMs: distribution(ok.map((s) => s.end - s.start)),
      timetableSlipMs: distribution(sent.map((s) => s.slip)),
      publishToKafkaReferralEventMs: stages.kafkaEvent,
      stagesMs: stages.parts,
      cpu: cpuLatency,
    };

    // ---------- peak RSS ----------
    rss.sample();
    const memory: Record<string, { peakRssBytes: number; sampledPeakRssBytes: number }> = { ...(result.memory as object) };
    for (const s of services) memory[s.name] = { peakRssBytes: memoryOf(s.pid).hwm, sampledPeakRssBytes: rss.peak(`${s.name}#${s.pid}`) };
    memory.bench = { peakRssBytes: process.resourceUsage().maxRSS * 1024, sampledPeakRssBytes: 0 };
    const brokerPid = kafkaPids()[0];
    if (brokerPid) memory['kafka broker (java)'] = { peakRssBytes: memoryOf(brokerPid).hwm, sampledPeakRssBytes: 0 };
    result.memory = memory;
    rss.stop();

    // ---------- stop services (flushes CPU profiles) ----------
    for (const s of services) if (s.name === 'police') profiledPids.set(s.pid, 'police (latency phase)');
    await Promise.all(services.map((s) => s.stop()));
    services.length = 0;
    let profiles: ProfileSummary[] = [];
    if (opts.cpuProf && existsSync(profDir)) {
      profiles = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => summariseProfile(join(profDir, f)));
      for (const p of profiles) {
        // CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile
        const pid = Number(p.file.split('.').slice(-4)[0]);
        const who = profiledPids.get(pid) ?? `pid ${pid}`;
        p.service = who;
        heading(`CPU profile of ${who}, % of non-idle CPU time (${p.file})`);
        say(table([['where', 'self ms', '%'], ...p.byCategory.slice(0, 14).map((c) => [c.category, fmtInt(c.ms), c.pct.toFixed(1)])]));
        say('');
        say(table([['function', 'where', 'self ms', '%'], ...p.topFunctions.map((f) => [f.fn.slice(0, 40), f.where.slice(-70), fmtInt(f.ms), f.pct.toFixed(1)])]));
      }
      result.cpuProfiles = profiles;
    }

    // ---------- summary ----------
    heading('summary');
    const lat = stages.total;
    const rows: string[][] = [
      ['figure', 'value', 'aim'],
      ['produce (KafkaPublisher, acks=all)', `${fmtInt(produceRate)} msg/s`, ''],
      ['raw kafkajs consume (ceiling)', `${fmtInt(raw.rateFromFirst)} msg/s, ${raw.mbPerSec.toFixed(1)} MB/s`, ''],
      [`consolidation throughput (${opts.instances} inst.)`, `${fmtInt(throughput)} ev/s`, ''],
      ['  ratio to raw ceiling', `${(100 * throughput / raw.rateFromFirst).toFixed(1)}%`, '≥ 25%'],
      [`Kafka publish→referral p50 @ ${fmtInt(opts.rate)}/s`, `${kLatency?.p50 ?? 'n/a'} ms`, ''],
      ['Kafka publish→referral p95', `${kLatency?.p95 ?? 'n/a'} ms`, ''],
      ['Kafka publish→referral p99', `${kLatency?.p99 ?? 'n/a'} ms`, '< 250 ms @ 1,000/s'],
      [`POST→referral p50 @ ${fmtInt(achievedRate)}/s (police edge)`, lat ? `${lat.p50} ms` : 'n/a', ''],
      ['POST→referral p95', lat ? `${lat.p95} ms` : 'n/a', ''],
      ['POST→referral p99', lat ? `${lat.p99} ms` : 'n/a', ''],
      ['POST response p50 / p99', `${stages.post?.p50 ?? 'n/a'} / ${stages.post?.p99 ?? 'n/a'} ms`, ''],
      ...Object.entries(memory).map(([name, m]) => [`peak RSS ${name}`, fmtMB(m.peakRssBytes), '']),
    ];
    say(table(rows));
    result.summary = {
      produceMsgPerSec: Math.round(produceRate),
      rawCeilingMsgPerSec: Math.round(raw.rateFromFirst),
      consolidationEventsPerSec: Math.round(throughput),
      ratioToRawCeiling: round(throughput / raw.rateFromFirst, 3),
      kafkaLatencyRate: opts.rate,
      kafkaLatencyP50Ms: kLatency?.p50,
      kafkaLatencyP95Ms: kLatency?.p95,
      kafkaLatencyP99Ms: kLatency?.p99,
      httpLatencyAchievedRate: round(achievedRate, 1),
      httpLatencyP50Ms: lat?.p50,
      httpLatencyP95Ms: lat?.p95,
      httpLatencyP99Ms: lat?.p99,
      peakRssBytes: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, v.peakRssBytes])),
    };
  } catch (error) {
    result.error = error instanceof Error ? error.stack ?? error.message : String(error);
    say(`\nbenchmark failed: ${result.error}`);
  } finally {
    result.finishedAt = new Date().toISOString();
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    say(`\nresults written to ${file}`);
    await cleanup();
  }
  process.exit(result.error ? 1 : 0);
}


async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** A bare kafkajs consumer in a new group: counts messages and bytes, nothing else. */
async function rawConsume(kafka: Kafka, groupId: string, topic: string, expected: number) {
  // The same fetch settings as the hub's KafkaSubscriber, so the ceiling is comparable.
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1024 * 1024, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  let count = 0;
  let bytes = 0;
  let batches = 0;
  let first = 0;
  const subscribed = performance.now();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`raw consumer read only ${count}/${expected} in 180 s`)), 180_000);
    void consumer.run({
      eachBatch: async ({ batch, resolveOffset }) => {
        if (first === 0) first = performance.now();
        batches++;
        for (const m of batch.messages) bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
        count += batch.messages.length;
        resolveOffset(batch.lastOffset());
        if (count >= expected) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      },
    });
  });
  const end = await done;
  await consumer.disconnect();
  const msFromFirst = end - first;
  return {
    count,
    batches,
    bytes,
    msFromFirst: Math.round(msFromFirst),
    msFromSubscribe: Math.round(end - subscribed),
    rateFromFirst: Math.round(count / (msFromFirst / 1000)),
    rateFromSubscribe: Math.round(count / ((end - subscribed) / 1000)),
    mbPerSec: round(bytes / 1024 / 1024 / (msFromFirst / 1000), 1),
  };
}

/**
 * Batches as the database saw them: processed_events.processed_at is now(), the start of
 * the batch's transaction, so rows sharing it are one batch; da_incidents.recorded_at is
 * the same instant, and marac_referrals.created_at is clock_timestamp() at the insert.
 */
async function batchAnalysis(db: Client, wallSeconds: number) {
  const rows = (
    await db.query(
      `WITH b AS (SELECT processed_at, count(*) AS n FROM consolidation.processed_events GROUP BY processed_at),
            r AS (SELECT d.recorded_at, max(r.created_at) AS last_referral
                    FROM consolidation.marac_referrals r JOIN consolidation.da_incidents d ON d.incident_ref = r.trigger_incident_ref
                   GROUP BY d.recorded_at)
       SELECT extract(epoch FROM b.processed_at) * 1000 AS at, b.n::int AS n,
              extract(epoch FROM r.last_referral - b.processed_at) * 1000 AS to_referral
         FROM b LEFT JOIN r ON r.recorded_at = b.processed_at ORDER BY b.processed_at`,
    )
  ).rows as { at: string; n: number; to_referral: string | null }[];
  const cycles: number[] = [];
  for (let i = 1; i < rows.length; i++) cycles.push(Number(rows[i].at) - Number(rows[i - 1].at));
  const toRef = rows.filter((r) => r.to_referral !== null).map((r) => Number(r.to_referral));
  const sumCycles = cycles.reduce((a, b) => a + b, 0);
  const sumToRef = toRef.reduce((a, b) => a + b, 0);
  return {
    count: rows.length,
    size: distribution(rows.map((r) => r.n)),
    cycleMs: distribution(cycles),
    toReferralInsertMs: distribution(toRef),
    /** share of the time between batches spent inside the transaction before the referral insert */
    inTransactionShare: sumCycles > 0 ? round(sumToRef / sumCycles, 3) : undefined,
    wallSeconds,
  };
}

interface Sent {
  i: number;
  start: number; // epoch ms
  end: number;
  slip: number;
  status: number;
  error?: string;
}

/**
 * Open-loop load: request i starts at t0 + i/rate whatever happened to the earlier ones
 * (a late request is sent as soon as the loop gets to it, and the slip is recorded).
 */
async function offer(url: string, bodies: string[], rate: number): Promise<Sent[]> {
  const interval = 1000 / rate;
  const out: Sent[] = new Array(bodies.length);
  const inflight: Promise<void>[] = [];
  const t0 = performance.now() + 10;
  const fire = async (i: number, scheduled: number) => {
    const p0 = performance.now();
    const s: Sent = { i, start: clockAnchor + p0, end: 0, slip: p0 - scheduled, status: 0 };
    out[i] = s;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
      await res.arrayBuffer();
      s.status = res.status;
    } catch (e) {
      s.error = e instanceof Error ? `${e.message}${e.cause ? `: ${(e.cause as Error).message ?? e.cause}` : ''}` : String(e);
    }
    s.end = epochMs();
  };
  let i = 0;
  while (i < bodies.length) {
    const now = performance.now();
    while (i < bodies.length && t0 + i * interval <= now) {
      inflight.push(fire(i, t0 + i * interval));
      i++;
    }
    if (i < bodies.length) await sleep(Math.max(0, t0 + i * interval - performance.now()));
  }
  await Promise.all(inflight);
  return out;
}

function summariseFailures(sent: Sent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sent) {
    if (s.status === 201) continue;
    const k = s.error ?? `HTTP ${s.status}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Reads the MARAC-referral topic and notes when each of the latency phase's referrals is seen. */
async function watchReferrals(kafka: Kafka, groupId: string, topic: string, refPrefix: string, seen: Map<string, number>): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      const at = epochMs();
      for (const m of batch.messages) {
        const value = m.value?.toString() ?? '';
        if (!value.includes(refPrefix)) continue;
        try {
          const e = JSON.parse(value) as CloudEvent<{ triggerIncidentRef: string }>;
          if (e.type === EventTypes.MaracReferralCreated && e.data.triggerIncidentRef.startsWith(refPrefix) && !seen.has(e.data.triggerIncidentRef)) {
            seen.set(e.data.triggerIncidentRef, at);
          }
        } catch {
          /* not ours */
        }
      }
      resolveOffset(batch.lastOffset());
    },
  });
  await Promise.race([joined, sleep(15_000)]);
  return consumer;
}

/**
 * Per-incident timeline from the databases' own clocks (same machine clock as the sender):
 * POST start → police transaction (domestic_incidents.received_at = now()) → relay
 * transaction (outbox.published_at = now(), before its publish) → consolidation transaction
 * (processed_events.processed_at = now()) → referral insert (created_at = clock_timestamp())
 * → the referral event seen on Kafka by the benchmark's consumer.
 */
async function latencyStages(db: Client, refPrefix: string, sent: Sent[], seenOnKafka: Map<string, number>) {
  const rows = (
    await db.query(
      `SELECT i.incident_ref AS ref,
              extract(epoch FROM i.received_at) * 1000 AS police_txn,
              extract(epoch FROM o.published_at) * 1000 AS relay_txn,
              extract(epoch FROM p.processed_at) * 1000 AS consolidation_txn,
              extract(epoch FROM r.created_at) * 1000 AS referral
         FROM police.domestic_incidents i
         JOIN police.outbox o ON o.event_id = i.event_id
         LEFT JOIN consolidation.processed_events p ON p.event_id = i.event_id
         LEFT JOIN consolidation.marac_referrals r ON r.trigger_incident_ref = i.incident_ref
        WHERE i.incident_ref LIKE $1`,
      [`${refPrefix}%`],
    )
  ).rows as { ref: string; police_txn: string; relay_txn: string | null; consolidation_txn: string | null; referral: string | null }[];
  const byRef = new Map(sent.filter((s) => s.status === 201).map((s) => [`${refPrefix}${s.i}`, s]));
  const total: number[] = [];
  const kafkaEvent: number[] = [];
  const parts: Record<string, number[]> = {
    'POST start → police transaction start': [],
    'police transaction start → relay picks the event up': [],
    'relay pick-up → consolidation transaction start': [],
    'consolidation transaction start → referral insert': [],
    'referral insert → referral event seen on Kafka': [],
  };
  const keys = Object.keys(parts);
  for (const r of rows) {
    const s = byRef.get(r.ref);
    if (!s) continue;
    const police = Number(r.police_txn);
    parts[keys[0]].push(police - s.start);
    if (r.relay_txn !== null) parts[keys[1]].push(Number(r.relay_txn) - police);
    if (r.relay_txn !== null && r.consolidation_txn !== null) parts[keys[2]].push(Number(r.consolidation_txn) - Number(r.relay_txn));
    if (r.consolidation_txn !== null && r.referral !== null) parts[keys[3]].push(Number(r.referral) - Number(r.consolidation_txn));
    const onKafka = seenOnKafka.get(r.ref);
    if (r.referral !== null) {
      total.push(Number(r.referral) - s.start);
      if (onKafka !== undefined) parts[keys[4]].push(onKafka - Number(r.referral));
    }
    if (onKafka !== undefined) kafkaEvent.push(onKafka - s.start);
  }
  const ok = sent.filter((s) => s.status === 201);
  return {
    total: distribution(total),
    kafkaEvent: distribution(kafkaEvent),
    post: distribution(ok.map((s) => s.end - s.start)),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, distribution(v)])) as Record<string, Distribution | undefined>,
  };
}

void main();
