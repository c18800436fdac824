export * from './generate';
export * from './pack-tables';
