export * from './agreement';
export * from './loader';
export * from './policy';
