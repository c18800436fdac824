export * from './normalise';
export * from './nicknames';
export * from './match';
export * from './population';
export * from './evaluate';
