export * from './matcher';
export * from './search';
