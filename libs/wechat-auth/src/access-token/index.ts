export * from './access-token.provider';
export * from './default-access-token.provider';
export * from './in-memory-access-token.store';
export * from './redis';
