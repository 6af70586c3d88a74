export * from './ingest.bench';
export * from './ingest.report';
