import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** Whether a suite needing `TEST_REDIS_URL` / `TEST_PG_URL` can run; fails under CI when not. */
export function requireService(name: 'TEST_REDIS_URL' | 'TEST_PG_URL'): string | undefined {
  const url = process.env[name];
  if (!url) {
    if (process.env.CI === 'true') {
      throw new Error(`${name} is not set: the test services did not start (CI=true)`);
    }
    console.warn(`${name} is not set: SKIPPING this suite (install redis-server / postgresql)`);
  }
  return url;
}

/** A fresh, empty PostgreSQL database on the test server, so suites never share tables. */
export async function createTestDatabase(serverUrl: string): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
