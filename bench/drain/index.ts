export * from './drain.bench';
