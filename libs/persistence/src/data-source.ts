import { Client } from 'pg';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface ServiceDatabase {
  /** the PostgreSQL schema the service owns */
  schema: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
  poolSize?: number;
}

/** `DATABASE_URL` selects an external PostgreSQL; otherwise embedded PostgreSQL starts. */
export async function databaseUrl(): Promise<string> {
  return process.env.DATABASE_URL?.trim() || startEmbeddedPostgres();
}

export function dataSourceOptions(url: string, db: ServiceDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: db.schema,
    entities: db.entities,
    migrations: db.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    extra: { max: db.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  };
}

/**
 * Opens the service's data source and brings its schema up to date with its migrations.
 * Schema creation comes first because TypeORM keeps the migrations table inside it.
 */
export async function openServiceDatabase(db: ServiceDatabase, url?: string): Promise<DataSource> {
  const resolved = url ?? (await databaseUrl());
  // Several instances of one service may start together: an advisory lock lets one migrate.
  const client = new Client({ connectionString: resolved });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${db.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
    const dataSource = new DataSource(dataSourceOptions(resolved, db));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  } finally {
    await client.end();
  }
}
