export * from './logger';
export * from './metrics';
export * from './bad-input';
export * from './health';
export * from './http-service';
export * from './health-only-service';
export * from './pdf';
export * from './auth/tokens';
