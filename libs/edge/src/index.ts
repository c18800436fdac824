export * from './agency-edge';
export * from './edge-records.service';
export * from './edge-url';
export * from './imports.controller';
export * from './records.controller';
export * from './records-table';
