export * from './server';
export * from './notification';
