import { startTestServices, type TestServices } from './test-services';

declare global {
  var testServices: TestServices | undefined;
}

/** Jest globalSetup: starts Redis and PostgreSQL once; workers inherit their URLs. */
export default async function globalSetup(): Promise<void> {
  const services = await startTestServices();
  globalThis.testServices = services;
  if (services.redisUrl) process.env.TEST_REDIS_URL = services.redisUrl;
  if (services.pgUrl) process.env.TEST_PG_URL = services.pgUrl;
}
