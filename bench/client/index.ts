export * from './client-path.bench';
