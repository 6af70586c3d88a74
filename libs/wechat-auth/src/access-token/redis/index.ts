export * from './redis-token-store-options.interface';
export * from './redis-token.store';
