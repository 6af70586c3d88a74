import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { LookupDispatcher } from '@app/paid-unionid-capture';
import { BullmqLookupDispatcher } from '@app/paid-unionid-capture/lookup/bullmq/bullmq-lookup.dispatcher';
import { freePort, startRedisServer, type RedisServer } from './infra/redis-server';
import { requireService } from './infra/test-databases';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const redisUrl = requireService('TEST_REDIS_URL');
const describeWithRedis = redisUrl ? describe : describe.skip;

/** Lookups scheduled during the outage: before the fix each left a command queued in memory. */
const SCHEDULES = 20_000;
/** Generous: what the worker alone runs in a few seconds. */
const FEW_SCRIPTS = 500;

async function startRedis(port: number): Promise<RedisServer> {
  const server = await startRedisServer(port);
  if (!server) throw new Error('redis-server is not installed');
  return server;
}

/** Redis's `INFO section`, from a connection of its own. */
async function redisInfo(url: string, section: string): Promise<string> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await admin.connect();
    return await admin.info(section);
  } finally {
    admin.disconnect();
  }
}

async function redisPid(url: string): Promise<number> {
  const match = /^process_id:(\d+)/m.exec(await redisInfo(url, 'server'));
  if (!match) throw new Error('INFO server has no process_id');
  return Number(match[1]);
}

/** Lua scripts Redis has run since it started: BullMQ sends one per add (and per worker step). */
async function scriptsRun(url: string): Promise<number> {
  const stats = await redisInfo(url, 'commandstats');
  const calls = (command: string) =>
    Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  return calls('evalsha') + calls('eval');
}

/** Commands an ioredis client holds in memory: not sent yet (offline) or not answered yet. */
function heldCommands(client: Redis): number {
  const offline = Reflect.get(client, 'offlineQueue') as { length: number };
  return offline.length + client.commandQueue.length;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describeWithRedis('lookup producer memory through a Redis outage (BullMQ mode)', () => {
  let redis: RedisServer;
  let h: PaymentNotifyHarness;
  let port: number;
  let scheduler: BullmqLookupDispatcher;
  let producer: Redis;
  let stopped = false;

  const transactionIds = (prefix: string) =>
    Array.from({ length: SCHEDULES }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);

  const resolvesInProcess = async (openid: string) => {
    const payment = h.pay(openid);
    expect((await h.post(h.notification(payment))).status).toBe(204);
    await expect(h.settled(payment.transactionId, 30_000)).resolves.toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
    });
    expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    h = await PaymentNotifyHarness.start({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, LOOKUP_POLL_MS: '100' },
    });
    const dispatcher = h.app.get(LookupDispatcher);
    if (!(dispatcher instanceof BullmqLookupDispatcher))
      throw new Error('lookups are not on BullMQ');
    scheduler = dispatcher;
    const client = await dispatcher.lookupQueue.getBackend().client;
    if (!(client instanceof Redis)) throw new Error('the lookup queue is not on ioredis');
    producer = client;
    await until(() => producer.status === 'ready', 'the lookup queue is connected');
  });
  afterAll(async () => {
    if (!stopped) await h?.stop();
    await redis.stop();
  });

  it('holds no command per schedule while Redis is stopped, and sends none of them when it is back', async () => {
    await redis.stop();
    await until(() => producer.status !== 'ready', 'the lookup queue saw the connection drop');
    const queued = await Promise.all(
      transactionIds('4200000001').map((id) => scheduler.enqueue(id)),
    );

    expect(queued.filter(Boolean)).toHaveLength(0);
    expect(heldCommands(producer)).toBeLessThan(SCHEDULES / 100);
    // The fallback still resolves payments in this process.
    await resolvesInProcess('o-memory-during');

    redis = await startRedis(port);
    await until(() => producer.status === 'ready', 'the lookup queue reconnected');
    // Redis answers a connection's commands in order: whatever was held is processed by now.
    await producer.ping();
    expect(await scriptsRun(redis.url)).toBeLessThan(FEW_SCRIPTS);
    expect(await scheduler.enqueue('4200000001x')).toBe(true);
  });

  it('holds a bounded number of commands while Redis accepts connections but does not answer', async () => {
    const pid = await redisPid(redis.url);
    const scriptsBefore = await scriptsRun(redis.url);
    process.kill(pid, 'SIGSTOP');
    let held: number;
    let queued: boolean[];
    try {
      queued = await Promise.all(transactionIds('4200000002').map((id) => scheduler.enqueue(id)));
      held = heldCommands(producer);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    expect(queued.filter(Boolean)).toHaveLength(0);
    expect(held).toBeLessThan(SCHEDULES / 10);
    await producer.ping();
    // The adds that were waiting, and what the worker did with their jobs meanwhile.
    expect((await scriptsRun(redis.url)) - scriptsBefore).toBeLessThan(SCHEDULES / 4);
  });

  it('shuts down while Redis is down', async () => {
    await redis.stop();
    await resolvesInProcess('o-memory-closing');
    // BullMQ's own close of the worker waits for Redis, forever while it is down.
    stopped = true;
    await h.stop();
    redis = await startRedis(port);
  });
});
