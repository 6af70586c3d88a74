export * from './env-files.fixture';
export * from './test-certificate.fixture';
