export * from './bench-report';
