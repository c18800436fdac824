import { DynamicModule, INestApplication, Module, Provider, Type } from '@nestjs/common';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { Agency, kindsOf } from '../../contracts/src';
import { HubEventsTransport, OutboxRelay, Transport, transportFromEnv } from '../../messaging/src';
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
  /** the edge's own additions beyond record intake (e.g. the youth-justice custody inbox) */
  extend?: (edge: EdgeContext) => EdgeExtension;
}

/** What an edge's extension is given: the edge's own database, outbox relay and bus. */
export interface EdgeContext {
  schema: string;
  dataSource: DataSource;
  relay: OutboxRelay;
  transport: Transport;
}

/**
 * An edge's own controllers and providers, added to its module. With `consumerGroup`, the
 * `@EventPattern` handlers among the controllers consume the hub topics of their event types
 * in that group (dedupe and DLQ as in every consumer; the relay is nudged after each commit).
 */
export interface EdgeExtension {
  controllers?: Type<unknown>[];
  providers?: Provider[];
  consumerGroup?: string;
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
 * each of its record kinds, `POST /imports/<kind>` for bulk loads, health, metrics, OpenAPI;
 * and what its `extend` adds, with a consumer of hub topics if the extension names a group.
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
  const extension = options.extend?.({ schema, dataSource, relay, transport }) ?? {};
  const app = await startHttpService(edgeModule(dataSource, relay, records, kinds.map(recordsController), extension), {
    service: options.agency,
    title: options.title,
    description: options.description,
    port: options.port,
  });
  if (extension.consumerGroup) {
    app.connectMicroservice(
      {
        strategy: new HubEventsTransport({ service: options.agency, schema, groupId: extension.consumerGroup, transport, dataSource, afterCommit: () => relay.nudge() }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  return app;
}

function edgeModule(dataSource: DataSource, relay: OutboxRelay, records: EdgeRecords, controllers: Type<unknown>[], extension: EdgeExtension): DynamicModule {
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
    controllers: [...controllers, ImportsController, ...(extension.controllers ?? [])],
    providers: [{ provide: EdgeRecords, useValue: records }, ...(extension.providers ?? [])],
  };
}
