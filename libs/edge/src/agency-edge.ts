import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { Agency, kindsOf } from '../../contracts/src';
import { OutboxRelay, Transport, transportFromEnv } from '../../messaging/src';
import { messagingTablesDown, messagingTablesUp } from '../../messaging/src/outbox/messaging-tables';
import { openServiceDatabase } from '../../persistence/src';
import { PlatformModule, startHttpService } from '../../platform/src';
import { EdgeRecords, RecordStore } from './edge-records.service';
import { ImportsController } from './imports.controller';
import { recordsController } from './records.controller';
import { recordsTableDown, recordsTableUp } from './records-table';

export interface AgencyEdgeOptions {
  agency: Agency;
  title: string;
  description: string;
  port: number;
  transport?: Transport;
  databaseUrl?: string;
  /** the schema's migrations; defaults to one that creates the outbox and the records table */
  migrations?: Function[];
  /** kinds stored somewhere other than the records table */
  stores?: (dataSource: DataSource) => Record<string, RecordStore>;
}

/** The first migration of an agency edge that has no tables of its own. */
export function agencyEdgeInit(schema: string, timestamp: number): Function {
  const name = `${schema.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Init${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of [...messagingTablesUp(schema), ...recordsTableUp(schema)]) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      for (const sql of [...recordsTableDown(schema), ...messagingTablesDown(schema)]) await q.query(sql);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** The PostgreSQL schema of an agency edge (`youth-justice` → `youth_justice`). */
export const edgeSchema = (agency: Agency) => agency.replace(/-/g, '_');

/**
 * Starts an agency edge: its schema (records + outbox), the outbox relay, `POST /<path>` for
 * each of its record kinds, `POST /imports/<kind>` for bulk loads, health, metrics, OpenAPI.
 */
export async function startAgencyEdge(options: AgencyEdgeOptions): Promise<INestApplication> {
  const schema = edgeSchema(options.agency);
  const dataSource = await openServiceDatabase(
    { schema, entities: [], migrations: options.migrations ?? [agencyEdgeInit(schema, 1763900000000)] },
    options.databaseUrl,
  );
  const transport = options.transport ?? transportFromEnv(options.agency);
  const relay = new OutboxRelay(dataSource, transport.publisher(), { schema });
  relay.start();
  const kinds = kindsOf(options.agency);
  const records = new EdgeRecords(dataSource, relay, schema, kinds, options.stores?.(dataSource));
  return startHttpService(edgeModule(dataSource, relay, records, kinds.map(recordsController)), {
    service: options.agency,
    title: options.title,
    description: options.description,
    port: options.port,
  });
}

function edgeModule(dataSource: DataSource, relay: OutboxRelay, records: EdgeRecords, controllers: Type<unknown>[]): DynamicModule {
  @Module({})
  class AgencyEdgeModule {}
  return {
    module: AgencyEdgeModule,
    imports: [
      PlatformModule.register({
        dataSource,
        probes: [{ name: 'outbox-relay', check: async () => ({ breaker: relay.breakerState }) }],
        onShutdown: [() => relay.stop()],
      }),
    ],
    controllers: [...controllers, ImportsController],
    providers: [{ provide: EdgeRecords, useValue: records }],
  };
}
