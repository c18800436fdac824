import 'reflect-metadata';
import { openServiceDatabase } from '../../../../libs/persistence/src';
import { HubLogger } from '../../../../libs/platform/src';
import { CONSOLIDATION_MIGRATIONS, CONSOLIDATION_SCHEMA, retentionFromAgreements } from '../consolidation.bootstrap';
import { RetentionService } from './retention.service';

const usage = `usage: npm run retention:sweep
  Deletes what consolidation holds beyond the retention the information-sharing agreements give
  each agency (deploy/isa, or ISA_DIR) and prints the counts per agency and table.
  Needs DATABASE_URL. A sweep already running elsewhere (a consolidation instance) makes this one skip.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.error(usage);
    process.exit(2);
  }
  const url = process.env.DATABASE_URL?.trim();
  if (!url) throw new Error(`DATABASE_URL is not set\n${usage}`);
  HubLogger.level = 'warn';
  const retention = retentionFromAgreements();
  const dataSource = await openServiceDatabase({ schema: CONSOLIDATION_SCHEMA, entities: [], migrations: CONSOLIDATION_MIGRATIONS }, url);
  try {
    const report = await new RetentionService(dataSource, retention).sweep();
    if (report.skipped) {
      console.log(`skipped: ${report.skipped}`);
      return;
    }
    for (const [agency, to] of Object.entries(report.sweptTo)) console.log(`${agency}: records before ${to} (retention ${retention.byAgency.get(agency)})`);
    if (report.keptWhole.length > 0) console.log(`kept whole (no agreed retention): ${report.keptWhole.join(', ')}`);
    const rows = Object.entries(report.deleted).flatMap(([agency, tables]) => Object.entries(tables).map(([table, n]) => `  ${agency.padEnd(14)} ${table.padEnd(17)} ${n}`));
    console.log(rows.length > 0 ? `deleted:\n${rows.join('\n')}` : 'deleted: nothing');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
