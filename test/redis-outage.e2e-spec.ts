import { setTimeout as sleep } from 'node:timers/promises';
import { LookupDispatcher } from '@app/paid-unionid-capture';
import { CaptureDataSourceHolder } from '@app/paid-unionid-capture/store/capture-data-source.holder';
import { freePort, startRedisServer, type RedisServer } from './infra/redis-server';
import { requireService } from './infra/test-databases';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const redisUrl = requireService('TEST_REDIS_URL');
const describeWithRedis = redisUrl ? describe : describe.skip;

/** This spec's own Redis (so it can be killed mid-run and restarted on the same port). */
async function startRedis(port: number): Promise<RedisServer> {
  const server = await startRedisServer(port);
  if (!server) throw new Error('redis-server is not installed');
  return server;
}

describeWithRedis('Redis outage in BullMQ mode', () => {
  let redis: RedisServer;
  let h: PaymentNotifyHarness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    h = await PaymentNotifyHarness.start({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, LOOKUP_POLL_MS: '100', LOG_LEVEL: 'debug' },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await redis.stop();
  });

  const resolveBatch = async (prefix: string, count: number) => {
    const payments = Array.from({ length: count }, (_, i) => h.pay(`${prefix}-${i}`));
    for (const payment of payments) {
      expect((await h.post(h.notification(payment))).status).toBe(204);
    }
    const settled = await Promise.all(payments.map((p) => h.settled(p.transactionId, 30_000)));
    expect(settled.map((s) => s.unionid)).toEqual(payments.map((p) => p.unionid));
  };

  it('warns once at start-up that REDIS_URL has no password and no TLS', () => {
    const warnings = h.logs.lines.filter((line) => line.includes('REDIS_URL has no password'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warn /);
  });

  it('keeps resolving payments from this process and with the cached token while Redis is down', async () => {
    await resolveBatch('o-before', 10);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);
    expect((await h.get('/health')).status).toBe(200);

    await redis.stop();
    await resolveBatch('o-during', 10);
    expect((await h.get('/health')).status).toBe(503);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);

    const warnings = h.logs.lines.filter((line) => line.startsWith('warn'));
    expect(warnings.filter((l) => l.includes('BullmqLookupDispatcher'))).toHaveLength(1);
    expect(warnings.filter((l) => l.includes('RedisTokenStore')).length).toBeLessThanOrEqual(1);

    redis = await startRedis(port);
    await resolveBatch('o-after', 5);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);
  });

  // Jest fails the test that is running when a promise rejection goes unhandled; in production
  // Node 20 would exit the process.
  it('logs a database error of a lookup started while Redis is down instead of leaving it unhandled', async () => {
    const { dataSource } = h.app.get(CaptureDataSourceHolder);
    const transactionId = '4200000000000000000000009999';
    await redis.stop();
    // Every write now fails in SQLite itself ("attempt to write a readonly database").
    await dataSource.query('PRAGMA query_only = ON');
    try {
      h.app.get(LookupDispatcher).dispatch(transactionId);
      const failure = await logLine((line) => line.includes(`Claiming ${transactionId} failed`));
      expect(failure).toMatch(/^error .*readonly database/);
      expect(failure).not.toContain(h.env.WECHAT_SECRET);
      expect(failure).not.toContain(h.env.WECHATPAY_APIV3_KEY);
    } finally {
      await dataSource.query('PRAGMA query_only = OFF');
      redis = await startRedis(port);
    }
    await resolveBatch('o-after-db-error', 2);
  });

  /** The first log line matching `match`, waiting for it up to 10 s. */
  async function logLine(match: (line: string) => boolean): Promise<string> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const line = h.logs.lines.find(match);
      if (line) return line;
      await sleep(50);
    }
    throw new Error('the expected log line never came');
  }
});
