export * from './agency-edge';
export * from './edge-records.service';
export * from './imports.controller';
export * from './records.controller';
export * from './records-table';
