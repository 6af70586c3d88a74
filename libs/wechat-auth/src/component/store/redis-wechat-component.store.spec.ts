import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { requireService } from '../../../../../test/infra/test-databases';
import { closedPort, TcpProxy, waitUntil } from '../../access-token/redis/redis-token.test-helpers';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import { WechatComponentStoreError } from '../../errors/wechat-component-store.error';
import { WechatError } from '../../errors/wechat.error';
import { CapturingLogger } from '../../wechat-auth.test-helpers';
import type { RedisWechatComponentStoreClient } from './redis-wechat-component-store-options.interface';
import { RedisWechatComponentStore } from './redis-wechat-component.store';
import { describeWechatComponentStore } from './testing';
import type { StoredAuthorizer } from './wechat-component.store';

const REDIS_URL = requireService('TEST_REDIS_URL');
const describeWithRedis = REDIS_URL ? describe : describe.skip;

const PLATFORM = 'wxcomponent00000001';
const TICKET = { ticket: 'ticket@@secret-0123456789abcdef', createdAt: 1_795_785_381_833 };
const AUTHORIZER: StoredAuthorizer = {
  authorizerAppId: 'wxauthorizer0000001',
  refreshToken: 'refreshtoken@@secret-0123456789abcdef',
  funcIds: [18],
  updatedAt: 1_795_785_381_833,
};
const SECRETS = [TICKET.ticket, AUTHORIZER.refreshToken!];

let closing = false;
const clients: Redis[] = [];

/** A client of the test Redis (or of `url`), closed after the file. */
function client(url = REDIS_URL!, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => (closing ? null : 50),
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

async function deleteKeys(prefix: string): Promise<void> {
  const admin = await connectedClient();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
}

afterAll(() => {
  // disconnect() alone can race a reconnect attempt that is under way.
  closing = true;
  for (const redis of clients) redis.disconnect();
});

if (REDIS_URL) {
  describeWechatComponentStore('RedisWechatComponentStore (two clients, one prefix)', async () => {
    const keyPrefix = `wechat-auth-test:component:${randomUUID()}:`;
    const [a, b] = await Promise.all([connectedClient(), connectedClient()]);
    return {
      store: new RedisWechatComponentStore(a, { keyPrefix, commandTimeoutMs: 5000 }),
      peer: new RedisWechatComponentStore(b, { keyPrefix, commandTimeoutMs: 5000 }),
      cleanup: () => deleteKeys(keyPrefix),
    };
  });
}

describeWithRedis('RedisWechatComponentStore against a real Redis', () => {
  const logs = new CapturingLogger();
  let prefix: string;
  let proxy: TcpProxy | undefined;

  beforeEach(() => {
    prefix = `wechat-auth-test:component:${randomUUID()}:`;
    logs.lines.length = 0;
    Logger.overrideLogger(logs);
  });

  afterEach(async () => {
    await deleteKeys(prefix);
    await proxy?.stop();
    proxy = undefined;
  });

  const storeWarnings = () =>
    logs.lines.filter(
      (line) => line.startsWith('warn') && line.endsWith('RedisWechatComponentStore'),
    );
  const linesWithSecrets = () =>
    logs.lines.filter((line) => SECRETS.some((secret) => line.includes(secret)));

  async function saveBoth(store: RedisWechatComponentStore): Promise<void> {
    await expect(store.saveTicket(PLATFORM, TICKET)).resolves.toBe(true);
    await expect(store.saveAuthorizer(PLATFORM, AUTHORIZER)).resolves.toBe(true);
  }

  /** Every method rejects with a WechatComponentStoreError naming neither secret. */
  async function expectEveryCallRejects(store: RedisWechatComponentStore): Promise<void> {
    const calls = [
      store.saveTicket(PLATFORM, { ...TICKET, createdAt: TICKET.createdAt + 1 }),
      store.saveAuthorizer(PLATFORM, { ...AUTHORIZER, updatedAt: AUTHORIZER.updatedAt + 1 }),
      store.getTicket(PLATFORM),
      store.getAuthorizer(PLATFORM, AUTHORIZER.authorizerAppId),
    ];
    const results = await Promise.allSettled(calls);
    const operations = ['saveTicket', 'saveAuthorizer', 'getTicket', 'getAuthorizer'];
    results.forEach((result, i) => {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as WechatComponentStoreError;
      expect(error).toBeInstanceOf(WechatComponentStoreError);
      expect(error).toBeInstanceOf(WechatError);
      expect(error.name).toBe('WechatComponentStoreError');
      expect(error.operation).toBe(operations[i]);
      expect(error.componentAppId).toBe(PLATFORM);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(PLATFORM);
      for (const secret of SECRETS) {
        expect(error.message).not.toContain(secret);
        expect(JSON.stringify(error)).not.toContain(secret);
      }
      expect(error.cause).toBeUndefined();
    });
  }

  it('stores each record under its key, with no TTL', async () => {
    const redis = await connectedClient();
    const store = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    await saveBoth(store);
    const keys = [
      `${prefix}${PLATFORM}:ticket`,
      `${prefix}${PLATFORM}:authorizer:${AUTHORIZER.authorizerAppId}`,
    ];
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual(keys.sort());
    for (const key of keys) {
      await expect(redis.pttl(key)).resolves.toBe(-1);
    }
    // A conditional write that loses leaves no TTL either, and neither does one that wins.
    await store.saveTicket(PLATFORM, { ...TICKET, createdAt: TICKET.createdAt - 1 });
    await store.saveAuthorizer(PLATFORM, { ...AUTHORIZER, updatedAt: AUTHORIZER.updatedAt + 1 });
    for (const key of keys) {
      await expect(redis.pttl(key)).resolves.toBe(-1);
    }
  });

  it('uses wechat-auth:component: by default; another keyPrefix sees nothing of it', async () => {
    const redis = await connectedClient();
    const platform = `wxcomponent-${randomUUID()}`;
    const byDefault = new RedisWechatComponentStore(redis);
    const prefixed = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    try {
      await byDefault.saveTicket(platform, TICKET);
      await expect(redis.exists(`wechat-auth:component:${platform}:ticket`)).resolves.toBe(1);
      await expect(prefixed.getTicket(platform)).resolves.toBeUndefined();
      // An older ticket is stored under the other prefix: the two never compare.
      const older = { ticket: 'older', createdAt: TICKET.createdAt - 1 };
      await expect(prefixed.saveTicket(platform, older)).resolves.toBe(true);
      await expect(byDefault.getTicket(platform)).resolves.toEqual(TICKET);
      await expect(prefixed.getTicket(platform)).resolves.toEqual(older);
    } finally {
      await redis.del(`wechat-auth:component:${platform}:ticket`);
    }
  });

  it('reads a value that is not a record as absent, and the next save replaces it', async () => {
    const redis = await connectedClient();
    const store = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    const authorizerKey = `${prefix}${PLATFORM}:authorizer:${AUTHORIZER.authorizerAppId}`;
    await redis.set(`${prefix}${PLATFORM}:ticket`, 'not json');
    await redis.set(authorizerKey, JSON.stringify({ updatedAt: 'yesterday' }));
    await expect(store.getTicket(PLATFORM)).resolves.toBeUndefined();
    await expect(
      store.getAuthorizer(PLATFORM, AUTHORIZER.authorizerAppId),
    ).resolves.toBeUndefined();
    await saveBoth(store);
    await expect(store.getTicket(PLATFORM)).resolves.toEqual(TICKET);
    await expect(store.getAuthorizer(PLATFORM, AUTHORIZER.authorizerAppId)).resolves.toEqual(
      AUTHORIZER,
    );
  });

  it('refuses a record whose timestamp is not a finite number, without calling Redis', async () => {
    const redis = await connectedClient();
    const store = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    const evalSpy = jest.spyOn(redis, 'eval');
    await expect(store.saveTicket(PLATFORM, { ...TICKET, createdAt: NaN })).rejects.toThrow(
      /createdAt must be a finite number/,
    );
    await expect(
      store.saveAuthorizer(PLATFORM, { ...AUTHORIZER, updatedAt: Infinity }),
    ).rejects.toBeInstanceOf(WechatComponentStoreError);
    expect(evalSpy).not.toHaveBeenCalled();
    expect(storeWarnings()).toEqual([]);
  });

  it('Redis unreachable: every call rejects (never "empty"), one warning, no secret anywhere', async () => {
    const port = await closedPort();
    const store = new RedisWechatComponentStore(client(`redis://127.0.0.1:${port}`), {
      keyPrefix: prefix,
    });
    await expectEveryCallRejects(store);
    await expectEveryCallRejects(store);
    expect(storeWarnings()).toHaveLength(1);
    expect(storeWarnings()[0]).toMatch(/^warn Redis is unavailable/);
    expect(linesWithSecrets()).toEqual([]);
  });

  it('a disconnected client: saves reject with WechatComponentStoreError', async () => {
    const redis = await connectedClient();
    const store = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    await saveBoth(store);
    redis.disconnect();
    await waitUntil(() => redis.status === 'end', 'the client is closed');
    await expectEveryCallRejects(store);
    expect(linesWithSecrets()).toEqual([]);
  });

  it('Redis lost and back: calls reject during the outage, then the stored state is there again', async () => {
    const target = new URL(REDIS_URL!);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start(0);
    const proxied = new URL(REDIS_URL!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const redis = client(proxied.toString());
    await new Promise((resolve) => redis.once('ready', resolve));
    const store = new RedisWechatComponentStore(redis, { keyPrefix: prefix });
    await saveBoth(store);

    await proxy.stop();
    await waitUntil(() => redis.status !== 'ready', 'the client sees the outage');
    await expectEveryCallRejects(store);

    await proxy.start();
    await waitUntil(() => redis.status === 'ready', 'the client reconnects');
    await expect(store.getTicket(PLATFORM)).resolves.toEqual(TICKET);
    await expect(store.getAuthorizer(PLATFORM, AUTHORIZER.authorizerAppId)).resolves.toEqual(
      AUTHORIZER,
    );
    expect(storeWarnings()).toHaveLength(1);
    expect(logs.lines.filter((line) => line.startsWith('log Redis answers again'))).toHaveLength(1);
    expect(linesWithSecrets()).toEqual([]);
  });
});

describe('RedisWechatComponentStore with a client that misbehaves', () => {
  const logs = new CapturingLogger();

  beforeEach(() => {
    logs.lines.length = 0;
    Logger.overrideLogger(logs);
  });

  it('a command that outlasts commandTimeoutMs rejects', async () => {
    const hanging: RedisWechatComponentStoreClient = {
      status: 'ready',
      get: () => new Promise(() => undefined),
      eval: () => new Promise(() => undefined),
    };
    const store = new RedisWechatComponentStore(hanging, { commandTimeoutMs: 50 });
    await expect(store.saveTicket(PLATFORM, TICKET)).rejects.toThrow(/no answer within 50 ms/);
    // During the outage a client that is `ready` is tried again (and times out again).
    await expect(store.getTicket(PLATFORM)).rejects.toBeInstanceOf(WechatComponentStoreError);
  });

  it('masks a secret that the client echoes in its error', async () => {
    const echoing: RedisWechatComponentStoreClient = {
      status: 'ready',
      get: () => Promise.resolve(null),
      eval: (_script, _keys, ...args) =>
        Promise.reject(new Error(`ERR refused ${args.join(' ')}, connecting to //user:pw@host`)),
    };
    const store = new RedisWechatComponentStore(echoing);
    for (const call of [
      store.saveTicket(PLATFORM, TICKET),
      store.saveAuthorizer(PLATFORM, AUTHORIZER),
    ]) {
      const error = (await call.catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(WechatComponentStoreError);
      expect(error.message).toContain('ERR refused');
      expect(error.message).not.toContain('user:pw');
      for (const secret of SECRETS) expect(error.message).not.toContain(secret);
    }
    expect(logs.lines.filter((line) => SECRETS.some((s) => line.includes(s)))).toEqual([]);
  });

  it('rejects invalid options', () => {
    const idle: RedisWechatComponentStoreClient = {
      status: 'ready',
      get: () => Promise.resolve(null),
      eval: () => Promise.resolve(0),
    };
    expect(() => new RedisWechatComponentStore(idle, { commandTimeoutMs: 0 })).toThrow(
      WechatAuthConfigError,
    );
    expect(
      () => new RedisWechatComponentStore(idle, { keyPrefix: 42 as unknown as string }),
    ).toThrow(/keyPrefix must be a string/);
  });
});
