export * from './depersonalise';
export * from './disclosure-control';
export * from './facts';
