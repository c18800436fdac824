import { DataSource } from 'typeorm';
import { verifyAuditChain } from './audit-chain';

/**
 * `npm run audit:verify`: recomputes hub-api's audit hash chain and says whether it holds.
 * Exit 0: intact; 1: broken (the first bad row and why); 2: could not read it.
 * DATABASE_URL as for the services; without it, the default run's embedded PostgreSQL (`npm start`).
 */
async function main(): Promise<number> {
  const url = process.env.DATABASE_URL?.trim() || `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 5433}/safer_hub`;
  const dataSource = new DataSource({ type: 'postgres', url });
  await dataSource.initialize();
  try {
    const started = Date.now();
    const report = await verifyAuditChain(dataSource, (rows) => process.stderr.write(`\rchecked ${rows} rows`));
    process.stderr.write('\n');
    if (report.ok) {
      console.log(`audit chain holds: ${report.rows} rows, last hash ${report.lastHash} (${Date.now() - started} ms)`);
      return 0;
    }
    console.log(`audit chain BROKEN at row ${report.brokenAt!.id}: ${report.brokenAt!.reason}; ${report.rows} rows before it hold`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`cannot verify the audit log: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
