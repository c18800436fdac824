export * from './depersonalise';
export * from './disclosure-control';
export * from './facts';
export * from './webhook-signature';
export * from './feed';
