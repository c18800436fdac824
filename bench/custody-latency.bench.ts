import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startConsolidation } from '../apps/consolidation/src/consolidation.bootstrap';
import { startHubApi } from '../apps/hub-api/src/hub-api.bootstrap';
import { startPolice } from '../apps/police/src/police.bootstrap';
import { startYouthJustice } from '../apps/youth-justice/src/youth-justice.bootstrap';
import { createKafka, ensureTopics, kafkaBrokers, transportFromEnv } from '../libs/messaging/src';
import { HubLogger } from '../libs/platform/src';
import { freePort } from '../test/support/fixtures';
import { sleep } from './support/services';
import { distribution, fmtDist, table } from './support/stats';

/**
 * Custody entry to YJS inbox latency (`npm run bench:custody`). Not a test: it measures and
 * prints. The services run as in the default run — one process, the in-process bus (or
 * Kafka when KAFKA_BROKERS is set) — on a fresh database on the local PostgreSQL. Children's
 * custody entries are POSTed to the police edge at BENCH_CUSTODY_RATE per second for
 * BENCH_CUSTODY_COUNT entries; latency = the inbox row's `received_at` − the POST's start,
 * per stage with the services' own timestamps (police outbox → consolidation → inbox).
 *
 * Options (env): BENCH_CUSTODY_COUNT (300), BENCH_CUSTODY_RATE (20),
 * BENCH_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), KAFKA_BROKERS (unset: in-process).
 */
const TEAMS = [['TS24 7AA', 'hartlepool'], ['TS18 1AA', 'stockton'], ['TS1 2AA', 'south-tees'], ['TS10 1AA', 'south-tees']];

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_CUSTODY_COUNT ?? 300);
  const rate = Number(process.env.BENCH_CUSTODY_RATE ?? 20);
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  HubLogger.level = 'warn';
  process.env.HUB_DEMO_MODE = 'true';

  const dbName = `hub_bench_custody_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const transport = transportFromEnv('bench-custody');
  if (transport.kind === 'kafka') {
    process.env.KAFKA_TOPIC_PREFIX ??= `bench-${randomBytes(3).toString('hex')}.`;
    await ensureTopics(createKafka('bench-custody-topics', kafkaBrokers()!));
  }
  process.stdout.write(`custody latency: ${count} children's custody entries at ${rate}/s, ${transport.kind} bus, database ${dbName}\n`);

  const apps: INestApplication[] = [];
  const policePort = await freePort();
  apps.push(await startPolice({ transport, databaseUrl, port: policePort }));
  apps.push(await startConsolidation({ transport, databaseUrl, port: await freePort() }));
  apps.push(await startHubApi({ transport, databaseUrl, port: await freePort() }));
  apps.push(await startYouthJustice({ transport, databaseUrl, port: await freePort() }));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  const run = randomBytes(2).toString('hex').toUpperCase();
  const posted = new Map<string, number>();
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const [postcode] = TEAMS[i % TEAMS.length];
    const custodyRef = `BENCH-${run}-${i}`;
    const body = {
      custodyRef, suite: 'Middlesbrough', arrivedAt: new Date(Date.now() - 60_000).toISOString(), offence: 'Criminal damage', appropriateAdultRequired: true,
      detainee: { personRef: `BENCH-P-${run}-${i}`, givenName: 'Bench', familyName: `Child${i}`, dateOfBirth: '2011-06-15', address: { line1: '1 Bench Street', postcode } },
    };
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${policePort}/custody-entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST /custody-entries ${res.status}: ${await res.text()}`);
    posted.set(custodyRef, t0);
    if ((i + 1) % 100 === 0) process.stdout.write(`  posted ${i + 1}/${count}\n`);
  }

  // wait for every entry to reach an inbox (or give up after 60 s)
  const deadline = Date.now() + 60_000;
  let rows: { custody_ref: string; team: string; received: string; raised: string; outbox: string }[] = [];
  for (;;) {
    ({ rows } = await db.query(
      `SELECT i.custody_ref, i.team, extract(epoch FROM i.received_at) * 1000 AS received, extract(epoch FROM n.raised_at) * 1000 AS raised,
              (SELECT extract(epoch FROM o.created_at) * 1000 FROM police.outbox o WHERE o.message_key IS NOT NULL AND o.event::jsonb->'data'->>'custodyRef' = i.custody_ref LIMIT 1) AS outbox
         FROM youth_justice.custody_inbox i JOIN consolidation.custody_notifications n ON n.id = i.notification_id WHERE i.custody_ref LIKE $1`,
      [`BENCH-${run}-%`],
    ));
    if (rows.length === count || Date.now() > deadline) break;
    await sleep(200);
  }
  const total = rows.map((r) => Number(r.received) - posted.get(r.custody_ref)!);
  const toOutbox = rows.map((r) => Number(r.outbox) - posted.get(r.custody_ref)!);
  const toConsolidation = rows.map((r) => Number(r.raised) - Number(r.outbox));
  const toInbox = rows.map((r) => Number(r.received) - Number(r.raised));
  const within1s = total.filter((t) => t <= 1000).length;
  process.stdout.write(`\nreached an inbox: ${rows.length}/${count}; within one second: ${within1s} (${((100 * within1s) / Math.max(1, rows.length)).toFixed(1)} %)\n`);
  process.stdout.write(
    table([
      ['stage', 'latency'],
      ['POST → police outbox row', fmtDist(distribution(toOutbox))],
      ['police outbox → notification raised (consolidation)', fmtDist(distribution(toConsolidation))],
      ['notification raised → YJS inbox', fmtDist(distribution(toInbox))],
      ['POST → YJS inbox (total)', fmtDist(distribution(total))],
    ]) + '\n',
  );
  const byTeam = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.team]: (acc[r.team] ?? 0) + 1 }), {});
  process.stdout.write(`per team: ${JSON.stringify(byTeam)}\n`);

  await db.end();
  for (const app of apps.reverse()) await app.close();
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`bench:custody failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
