export * from './agreement';
export * from './loader';
export * from './policy';
export * from './reload';
export * from './consent';
export * from './release';
export * from './retention';
