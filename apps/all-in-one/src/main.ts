import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createKafka, ensureTopics, inProcessTransport, kafkaBrokers, transportFromEnv } from '../../../libs/messaging/src';
import { databaseUrl, stopEmbeddedPostgres } from '../../../libs/persistence/src';
import { HubLogger } from '../../../libs/platform/src';
import { startConsolidation } from '../../consolidation/src/consolidation.bootstrap';
import { startFire } from '../../fire/src/fire.bootstrap';
import { startHousing } from '../../housing/src/housing.bootstrap';
import { DEMO_USERS } from '../../hub-api/src/auth/demo-users';
import { startHubApi } from '../../hub-api/src/hub-api.bootstrap';
import { startPolice } from '../../police/src/police.bootstrap';
import { startTreatment } from '../../treatment/src/treatment.bootstrap';
import { startYouthJustice } from '../../youth-justice/src/youth-justice.bootstrap';
import { DEMO_CASES, DEMO_STORIES, DemoPost } from './demo-scenario';

/**
 * `npm start`: every service in one Node process on embedded defaults (embedded
 * PostgreSQL, the in-process transport unless KAFKA_BROKERS is set), the demo scenario
 * loaded through the police edge like any partner would, then the URLs and demo users.
 */
async function main(): Promise<void> {
  process.env.HUB_DEMO_MODE ??= 'true';
  // the YJS inbox links each entry to the child's details in this process's hub-api
  process.env.HUB_API_URL ??= `http://127.0.0.1:${process.env.HUB_API_PORT ?? 3000}`;
  HubLogger.service = 'all-in-one';
  HubLogger.level = (process.env.LOG_LEVEL as typeof HubLogger.level) ?? 'warn';
  const say = (line = '') => process.stdout.write(line + '\n');

  say('safer-hub: starting (embedded PostgreSQL unless DATABASE_URL, in-process bus unless KAFKA_BROKERS)...');
  const url = await databaseUrl();
  const transport = transportFromEnv('all-in-one');
  // On a real broker topics are never auto-created: make sure the registry's exist.
  if (transport.kind === 'kafka') await ensureTopics(createKafka('all-in-one-topics', kafkaBrokers()!));
  const apps: INestApplication[] = [];
  apps.push(await startPolice({ transport, databaseUrl: url }));
  apps.push(await startConsolidation({ transport, databaseUrl: url }));
  apps.push(await startHubApi({ transport, databaseUrl: url }));
  for (const start of [startFire, startHousing, startTreatment, startYouthJustice]) apps.push(await start({ transport, databaseUrl: url }));

  say('loading the demo scenario through the agency edges, as partner systems would ...');
  const police = `http://127.0.0.1:${process.env.POLICE_PORT ?? 3001}`;
  for (const demo of DEMO_CASES) {
    for (const incident of demo.incidents) {
      const res = await fetch(`${police}/domestic-incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(incident) });
      if (res.status >= 300) throw new Error(`demo incident ${incident.incidentRef} refused: ${res.status} ${await res.text()}`);
    }
    say(`  ${demo.story}  → expect ${demo.expected}`);
  }
  const edges: Record<DemoPost['agency'], string> = {
    police,
    fire: `http://127.0.0.1:${process.env.FIRE_PORT ?? 3002}`,
    housing: `http://127.0.0.1:${process.env.HOUSING_PORT ?? 3003}`,
    treatment: `http://127.0.0.1:${process.env.TREATMENT_PORT ?? 3004}`,
    'youth-justice': `http://127.0.0.1:${process.env.YOUTH_JUSTICE_PORT ?? 3005}`,
  };
  for (const demo of DEMO_STORIES) {
    for (const post of demo.posts) {
      const res = await fetch(`${edges[post.agency]}/${post.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(post.body) });
      if (res.status >= 300) throw new Error(`demo record for ${post.agency} /${post.path} refused: ${res.status} ${await res.text()}`);
    }
    say(`  ${demo.story}  → expect ${demo.expected}`);
  }
  if (transport.kind === 'in-process') {
    await new Promise((r) => setTimeout(r, 500));
    await inProcessTransport().drained();
  }

  const hub = `http://127.0.0.1:${process.env.HUB_API_PORT ?? 3000}`;
  say('');
  say('safer-hub is up.');
  say(`  web app        ${hub}/app/       sign in as any demo user`);
  say(`  hub-api        ${hub}            docs ${hub}/api/docs`);
  say(`  police         ${police}            docs ${police}/api/docs`);
  say('  consolidation  http://127.0.0.1:3006   (health, metrics)');
  say('  fire 3002, housing 3003, treatment 3004, youth-justice 3005 (records, bulk import, docs at /api/docs)');
  say('');
  say(`demo users (POST ${hub}/api/auth/demo-token {"user": "<name>"}):`);
  say('  ' + Object.keys(DEMO_USERS).join(', '));
  say('');
  say('try:');
  say(`  TOKEN=$(curl -s -X POST ${hub}/api/auth/demo-token -H 'content-type: application/json' -d '{"user":"marac-coordinator"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`);
  say(`  curl -s ${hub}/api/marac/referrals -H "Authorization: Bearer $TOKEN" -H 'X-Purpose: marac.risk-management'`);
  say(`  curl -s ${hub}/api/identity/reviews -H "Authorization: Bearer $TOKEN" -H 'X-Purpose: identity.review'`);
  say(`  curl -s ${hub}/api/subjects/<subjectId from a referral> -H "Authorization: Bearer $TOKEN" -H 'X-Purpose: marac.risk-management'`);
  say('  the same subject as another role or purpose shows what the agreement (deploy/isa/shp-isa.yaml) gives that reader;');
  say('  as marac-member-police: GET /api/notifications (X-Purpose: marac.risk-management) has the joint visit for Katie Rowe;');
  say('  as auditor: GET /api/audit?subjectId=<id> and /api/audit/verify (X-Purpose: audit.oversight)');
  say('  as custody-navigator: GET /api/custody/board (X-Purpose: custody.yjs-notification) has Tyler and Jayden (out of area);');
  say(`  and GET /api/custody/reports/children-in-custody?month=${new Date(Date.now() - 8 * 86_400_000).toISOString().slice(0, 7)}&format=pdf lists Leah Carr (held 14 hours, 8 days ago);`);
  say(`  as yjs-hartlepool: GET http://127.0.0.1:${process.env.YOUTH_JUSTICE_PORT ?? 3005}/notifications (same token) is Hartlepool's inbox; POST .../notifications/<id>/acknowledge;`);
  say('  as school-dsl: GET /api/notifications (X-Purpose: safeguarding.school-notification) tells Seaview Primary of Leo Price');
  say('');
  say('Ctrl-C stops everything (the embedded database is thrown away).');

  const stop = async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await stopEmbeddedPostgres();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch(async (error) => {
  process.stderr.write(`safer-hub failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopEmbeddedPostgres().catch(() => undefined);
  process.exit(1);
});
