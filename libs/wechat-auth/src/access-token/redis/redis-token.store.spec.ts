import { WechatSandbox } from '@app/wechat-sandbox';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis, type RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessTokenProvider,
  PaidUnionIdService,
  RedisTokenStore,
  WechatAuthConfigError,
  WechatAuthModule,
  WechatDeadlineExceededError,
  type RedisTokenStoreOptions,
  type TokenFetchEvent,
  type WechatAuthModuleOptions,
} from '../../index';
import { CapturingLogger } from '../../wechat-auth.test-helpers';
import { closedPort, TcpProxy, waitUntil } from './redis-token.test-helpers';

const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') {
  throw new Error('TEST_REDIS_URL is not set: the RedisTokenStore spec needs a real Redis in CI');
}
if (!REDIS_URL) {
  console.warn(
    '\n*** RedisTokenStore spec SKIPPED: TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379) ***\n',
  );
}
const describeWithRedis = REDIS_URL ? describe : describe.skip;

const APP = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };
const KEY = `stable:${APP.appId}`;
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
/** Past the refresh instant of a 7200 s token with the default 300 s margin. */
const PAST_REFRESH_MS = (7200 - 290) * 1000;

describeWithRedis('RedisTokenStore against a real Redis', () => {
  const logs = new CapturingLogger();
  let prefix: string;
  let clients: Redis[];
  let modules: TestingModule[];
  let sandbox: WechatSandbox | undefined;
  let proxy: TcpProxy | undefined;
  let closing = false;

  beforeEach(() => {
    prefix = `wechat-auth-test:${randomUUID()}:`;
    clients = [];
    closing = false;
    modules = [];
    logs.lines.length = 0;
    Logger.overrideLogger(logs);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(modules.map((moduleRef) => moduleRef.close()));
    await sandbox?.stop();
    sandbox = undefined;
    const admin = await connectedClient();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) {
      await admin.del(...keys);
    }
    // disconnect() alone can race a reconnect attempt that is under way.
    closing = true;
    for (const client of clients) {
      client.disconnect();
    }
    await proxy?.stop();
    proxy = undefined;
  });

  /** A client of the test Redis (or of `url`), closed in afterEach. */
  function client(url = REDIS_URL!, options: RedisOptions = {}): Redis {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => (closing ? null : 50),
      // disconnect() arms this timer even when the socket is already gone; keep Jest's exit quick.
      disconnectTimeout: 50,
      ...options,
    });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  }

  async function connectedClient(url?: string): Promise<Redis> {
    const redis = client(url, { enableOfflineQueue: true });
    await redis.ping();
    return redis;
  }

  async function storeOn(redis: Redis, options: RedisTokenStoreOptions = {}) {
    if (redis.status !== 'ready') {
      await new Promise((resolve) => redis.once('ready', resolve));
    }
    return new RedisTokenStore(redis, { keyPrefix: prefix, commandTimeoutMs: 5000, ...options });
  }

  /** One app instance: its own module and Redis client, sharing the sandbox and the prefix. */
  async function instance(store: RedisTokenStore, options: Partial<WechatAuthModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          ...APP,
          apiBaseUrl: sandbox!.url,
          timeoutMs: 10_000,
          retry: FAST_RETRY,
          tokenStore: store,
          ...options,
        }),
      ],
    })
      .setLogger(logs)
      .compile();
    modules.push(moduleRef);
    return {
      service: moduleRef.get(PaidUnionIdService),
      tokens: moduleRef.get(AccessTokenProvider),
    };
  }

  const token = (accessToken: string, lifeMs = 60_000) => ({
    accessToken,
    expiresAt: Date.now() + lifeMs,
    refreshAt: Date.now() + lifeMs - 1000,
  });
  const storeWarnings = () =>
    logs.lines.filter((line) => line.startsWith('warn') && line.endsWith('RedisTokenStore'));

  describe('the store', () => {
    it('keeps a token under <prefix><mode>:<appId> until its TTL passes', async () => {
      const redis = await connectedClient();
      const store = await storeOn(redis);
      const stored = token('t-1');
      await store.set(KEY, stored, 30_000);
      await expect(store.get(KEY)).resolves.toEqual(stored);
      await expect(redis.keys(`${prefix}*`)).resolves.toEqual([`${prefix}${KEY}`]);
      const ttl = await redis.pttl(`${prefix}${KEY}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
      await expect(store.get(`classic:${APP.appId}`)).resolves.toBeUndefined();

      await store.set('stable:wx-short', token('t-2'), 1);
      await sleep(20);
      await expect(store.get('stable:wx-short')).resolves.toBeUndefined();
    });

    it('clamps the TTL to the remaining life before refreshAt, and to at least 1 ms', async () => {
      const redis = await connectedClient();
      const store = await storeOn(redis);
      const set = jest.spyOn(redis, 'set');

      await store.set(KEY, { ...token('t-1'), refreshAt: Date.now() + 2000 }, 7_200_000);
      const ttl = await redis.pttl(`${prefix}${KEY}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2000);

      const past = Date.now() - 1000;
      await store.set('stable:wx-late', { accessToken: 't-2', expiresAt: past }, 60_000);
      await store.set('stable:wx-zero', token('t-3'), 0);
      await store.set('stable:wx-negative', token('t-4'), -5);
      const pxValues = set.mock.calls.map((call) => call[3]);
      expect(pxValues).toEqual([expect.any(Number), 1, 1, 1]);
      expect(pxValues[0]).toBeLessThanOrEqual(2000);
      // Redis refuses PX 0; a refused write would have been reported as an outage.
      expect(storeWarnings()).toEqual([]);
      await sleep(5);
      await expect(store.get('stable:wx-negative')).resolves.toBeUndefined();
    });

    it('compare-and-delete drops only the token it was given, across instances', async () => {
      const [a, b] = await Promise.all([connectedClient(), connectedClient()]);
      const [storeA, storeB] = [await storeOn(a), await storeOn(b)];
      await storeA.set(KEY, token('old'), 60_000);
      // Instance B replaced the token; instance A then reports the old one as rejected.
      await storeB.set(KEY, token('new'), 60_000);
      await expect(storeA.deleteIfMatches(KEY, 'old')).resolves.toBe(false);
      await expect(storeA.get(KEY)).resolves.toMatchObject({ accessToken: 'new' });
      await expect(storeB.deleteIfMatches(KEY, 'new')).resolves.toBe(true);
      await expect(storeA.get(KEY)).resolves.toBeUndefined();
      await expect(storeA.deleteIfMatches(KEY, 'new')).resolves.toBe(false);
    });

    it('ignores a value that is not a stored token', async () => {
      const redis = await connectedClient();
      const store = await storeOn(redis);
      await redis.set(`${prefix}${KEY}`, 'not json', 'PX', 60_000);
      await expect(store.get(KEY)).resolves.toBeUndefined();
      await expect(store.deleteIfMatches(KEY, 'not json')).resolves.toBe(false);
      await redis.set(`${prefix}${KEY}`, '{"accessToken":42}', 'PX', 60_000);
      await expect(store.get(KEY)).resolves.toBeUndefined();
    });

    it('the fetch lock is exclusive, released only by its owner, and expires', async () => {
      const [a, b] = await Promise.all([connectedClient(), connectedClient()]);
      const [storeA, storeB] = [await storeOn(a), await storeOn(b)];
      const owner = await storeA.acquireLock(KEY, 10_000);
      expect(owner).toEqual(expect.any(String));
      await expect(storeB.acquireLock(KEY, 10_000)).resolves.toBeNull();
      await expect(storeA.acquireLock(KEY, 10_000)).resolves.toBeNull();

      await storeB.releaseLock(KEY, 'someone-else');
      await expect(storeB.acquireLock(KEY, 10_000)).resolves.toBeNull();
      // The lock lives apart from the token.
      await storeA.set(KEY, token('t-1'), 60_000);
      await expect(storeB.get(KEY)).resolves.toMatchObject({ accessToken: 't-1' });

      await storeA.releaseLock(KEY, owner!);
      const next = await storeB.acquireLock(KEY, 50);
      expect(next).toEqual(expect.any(String));
      expect(next).not.toBe(owner);
      const lockTtl = await b.pttl(`${prefix}${KEY}:lock`);
      expect(lockTtl).toBeGreaterThan(0);
      expect(lockTtl).toBeLessThanOrEqual(50);
      await sleep(100);
      await expect(storeA.acquireLock(KEY, 10_000)).resolves.toEqual(expect.any(String));
    });

    it('rejects invalid options', () => {
      const redis = client();
      expect(() => new RedisTokenStore(redis, { lockWaitMs: 0 })).toThrow(WechatAuthConfigError);
      expect(() => new RedisTokenStore(redis, { commandTimeoutMs: 1.5 })).toThrow(
        /commandTimeoutMs must be a positive integer/,
      );
      expect(new RedisTokenStore(redis).lockWaitMs).toBe(5000);
    });
  });

  describe('several instances against the WeChat sandbox', () => {
    beforeEach(async () => {
      sandbox = await WechatSandbox.start({ apps: [APP], seed: 1 });
    });

    it('3 instances x 1,000 concurrent lookups cause exactly one token fetch', async () => {
      const instances = await Promise.all(
        [0, 1, 2].map(async () => instance(await storeOn(await connectedClient()))),
      );
      const payments = Array.from({ length: 1000 }, (_, i) =>
        sandbox!.registerPayment({ openid: `o-concurrent-${i}`, appId: APP.appId }),
      );
      const unionids = await Promise.all(
        payments.map((p, i) =>
          instances[i % 3].service.getPaidUnionId({
            openid: p.openid,
            transactionId: p.transactionId,
          }),
        ),
      );
      expect(unionids).toEqual(payments.map((p) => p.unionid));
      expect(sandbox!.counters().tokenCalls.total).toBe(1);
      expect(sandbox!.counters().lookups).toBe(1000);
      const tokens = await Promise.all(instances.map((i) => i.tokens.getAccessToken()));
      expect(new Set(tokens).size).toBe(1);
      await expect(clients[0].exists(`${prefix}${KEY}:lock`)).resolves.toBe(0);
    });

    it('a 40001 seen after another instance replaced the token keeps the new token', async () => {
      const redisA = await connectedClient();
      const [a, b] = [
        await instance(await storeOn(redisA)),
        await instance(await storeOn(await connectedClient())),
      ];
      const payment = sandbox!.registerPayment({ openid: 'o-payer', appId: APP.appId });
      const query = { openid: payment.openid, transactionId: payment.transactionId };
      await a.service.getPaidUnionId(query);
      await b.service.getPaidUnionId(query);
      const first = await b.tokens.getAccessToken();
      expect(sandbox!.counters().tokenCalls.total).toBe(1);

      sandbox!.revokeAllTokens();
      await expect(a.service.getPaidUnionId(query)).resolves.toBe(payment.unionid);
      expect(sandbox!.counters().tokenCalls.total).toBe(2);
      const replaced = await a.tokens.getAccessToken();
      expect(replaced).not.toBe(first);

      // B still holds the revoked token in its process: its 40001 must not drop A's new token.
      await expect(b.service.getPaidUnionId(query)).resolves.toBe(payment.unionid);
      expect(sandbox!.counters().tokenCalls.total).toBe(2);
      await expect(b.tokens.getAccessToken()).resolves.toBe(replaced);
      const stored = JSON.parse((await redisA.get(`${prefix}${KEY}`))!) as { accessToken: string };
      expect(stored.accessToken).toBe(replaced);
      expect(sandbox!.counters().lookups).toBe(6);
    });

    it.each(['stable', 'classic'] as const)(
      '%s: a fetch that outlasts lockWaitMs (a hung attempt, then a retry) is still the only one',
      async (tokenMode) => {
        const fetches: TokenFetchEvent[] = [];
        const hooks = { onTokenFetch: (event: TokenFetchEvent) => fetches.push(event) };
        const [a, b] = await Promise.all(
          [0, 1].map(async () =>
            instance(await storeOn(await connectedClient(), { lockWaitMs: 300 }), {
              tokenMode,
              timeoutMs: 1500,
              hooks,
            }),
          ),
        );
        // The first token request is never answered: the fetch takes a whole attempt timeout
        // (1.5 s, five times lockWaitMs) and a retry.
        sandbox!.failNextToken('hang');
        const [tokenA, tokenB] = await Promise.all([
          a.tokens.getAccessToken(),
          b.tokens.getAccessToken(),
        ]);
        expect(fetches.map((event) => event.outcome)).toEqual(['success']);
        expect(tokenB).toBe(tokenA);
        expect(sandbox!.counters().tokenCalls.total).toBe(2);
      },
    );

    it('a lock left by a holder that died expires; a waiter then takes it and fetches, once', async () => {
      const dead = await storeOn(await connectedClient());
      await expect(dead.acquireLock(KEY, 300)).resolves.toEqual(expect.any(String));
      const { tokens } = await instance(await storeOn(await connectedClient()));
      await expect(tokens.getAccessToken()).resolves.toEqual(expect.any(String));
      expect(sandbox!.counters().tokenCalls.total).toBe(1);
      await expect(dead.get(KEY)).resolves.toMatchObject({
        accessToken: await tokens.getAccessToken(),
      });
    });

    it("a lookup waiting for another instance's fetch stops at its deadline and fetches nothing", async () => {
      const other = await storeOn(await connectedClient());
      // Another instance holds the lock for a slow fetch.
      await expect(other.acquireLock(KEY, 60_000)).resolves.toEqual(expect.any(String));
      const { service } = await instance(await storeOn(await connectedClient()));
      const payment = sandbox!.registerPayment({ openid: 'o-payer', appId: APP.appId });
      await expect(
        service.getPaidUnionId(
          { openid: payment.openid, transactionId: payment.transactionId },
          { deadline: Date.now() + 300 },
        ),
      ).rejects.toBeInstanceOf(WechatDeadlineExceededError);
      expect(sandbox!.counters().tokenCalls.total).toBe(0);
      expect(sandbox!.counters().lookups).toBe(0);
    });

    it('Redis unreachable from the start: one fetch per instance per token lifetime, one warning each', async () => {
      const port = await closedPort();
      const instances = await Promise.all(
        [0, 1].map(() =>
          instance(new RedisTokenStore(client(`redis://127.0.0.1:${port}`), { keyPrefix: prefix })),
        ),
      );
      const payments = Array.from({ length: 400 }, (_, i) =>
        sandbox!.registerPayment({ openid: `o-down-${i}`, appId: APP.appId }),
      );
      const lookUpAll = () =>
        Promise.all(
          payments.map((p, i) =>
            instances[i % 2].service.getPaidUnionId({
              openid: p.openid,
              transactionId: p.transactionId,
            }),
          ),
        );
      await expect(lookUpAll()).resolves.toEqual(payments.map((p) => p.unionid));
      expect(sandbox!.counters().tokenCalls.total).toBe(2);

      // Every instance's token reaches its refresh instant (the sandbox clock stays put).
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + PAST_REFRESH_MS);
      await expect(lookUpAll()).resolves.toEqual(payments.map((p) => p.unionid));
      expect(sandbox!.counters().tokenCalls.total).toBe(4);
      expect(storeWarnings()).toHaveLength(2);
      expect(storeWarnings()[0]).toMatch(/^warn Redis is unavailable/);
      const issued = sandbox!.issuedTokens();
      expect(logs.lines.filter((line) => issued.some((t) => line.includes(t)))).toEqual([]);
    });

    it('Redis lost and back: cache keeps serving, one warning, one recovery line, then shared again', async () => {
      const target = new URL(REDIS_URL!);
      proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      await proxy.start(0);
      const proxied = new URL(REDIS_URL!);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      const redis = client(proxied.toString());
      const { service } = await instance(await storeOn(redis, { commandTimeoutMs: 1000 }));
      const payment = sandbox!.registerPayment({ openid: 'o-payer', appId: APP.appId });
      const lookUp = () =>
        service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId });
      await lookUp();
      expect(sandbox!.counters().tokenCalls.total).toBe(1);

      await proxy.stop();
      await waitUntil(() => redis.status !== 'ready', 'the client sees the outage');
      await Promise.all(Array.from({ length: 200 }, lookUp));
      expect(sandbox!.counters().tokenCalls.total).toBe(1);

      const realNow = Date.now.bind(Date);
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + PAST_REFRESH_MS);
      const again = sandbox!.registerPayment({ openid: 'o-payer', appId: APP.appId });
      const lookUpAgain = () =>
        service.getPaidUnionId({ openid: again.openid, transactionId: again.transactionId });
      await Promise.all(Array.from({ length: 200 }, lookUpAgain));
      expect(sandbox!.counters().tokenCalls.total).toBe(2);
      expect(storeWarnings()).toHaveLength(1);
      expect(logs.lines.some((line) => line.includes(String(proxy!.port)))).toBe(false);

      await proxy.start();
      await waitUntil(() => redis.status === 'ready', 'the client reconnects');
      clock.mockImplementation(() => realNow() + 3 * PAST_REFRESH_MS);
      const third = sandbox!.registerPayment({ openid: 'o-payer', appId: APP.appId });
      await service.getPaidUnionId({ openid: third.openid, transactionId: third.transactionId });
      expect(sandbox!.counters().tokenCalls.total).toBe(3);
      expect(storeWarnings()).toHaveLength(1);
      expect(logs.lines.filter((line) => line.startsWith('log Redis answers again'))).toHaveLength(
        1,
      );
      const stored = await connectedClient().then((admin) => admin.get(`${prefix}${KEY}`));
      expect(stored).not.toBeNull();
    });
  });
});
