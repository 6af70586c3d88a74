import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './infra/test-services';
import { requireService } from './infra/test-databases';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const redisUrl = requireService('TEST_REDIS_URL');
const describeWithRedis = redisUrl ? describe : describe.skip;

/** A Redis server of this spec's own, so that it can be stopped mid-run. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return child;
}

describeWithRedis('Redis outage in BullMQ mode', () => {
  let redis: ChildProcess;
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
    redis.kill('SIGKILL');
  });

  const resolveBatch = async (prefix: string, count: number) => {
    const payments = Array.from({ length: count }, (_, i) => h.pay(`${prefix}-${i}`));
    for (const payment of payments) {
      expect((await h.post(h.notification(payment))).status).toBe(204);
    }
    const settled = await Promise.all(payments.map((p) => h.settled(p.transactionId, 30_000)));
    expect(settled.map((s) => s.unionid)).toEqual(payments.map((p) => p.unionid));
  };

  it('keeps resolving payments from this process and with the cached token while Redis is down', async () => {
    await resolveBatch('o-before', 10);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);
    expect((await h.get('/health')).status).toBe(200);

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    await resolveBatch('o-during', 10);
    expect((await h.get('/health')).status).toBe(503);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);

    const warnings = h.logs.lines.filter((line) => line.startsWith('warn'));
    expect(warnings.filter((l) => l.includes('BullmqLookupScheduler'))).toHaveLength(1);
    expect(warnings.filter((l) => l.includes('RedisTokenStore')).length).toBeLessThanOrEqual(1);

    redis = await startRedis(port);
    await resolveBatch('o-after', 5);
    expect(h.sandbox.counters().tokenCalls.total).toBe(1);
  });
});
