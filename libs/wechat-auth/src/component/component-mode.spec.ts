import { WechatSandbox } from '@app/wechat-sandbox';
import { Injectable, Logger, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  AccessTokenProvider,
  InMemoryWechatComponentStore,
  OnWechatComponentEvent,
  PaidUnionIdService,
  RedisTokenStore,
  RedisWechatComponentStore,
  WechatAuthModule,
  WechatAuthorizerRevokedError,
  WechatComponentPermissionError,
  WechatComponentService,
  WechatComponentTicketMissingError,
  type AccessTokenStore,
  type WechatComponentEvent,
  type WechatComponentStore,
} from '../index';
import { CapturingLogger } from '../wechat-auth.test-helpers';

const COMPONENT = {
  componentAppId: 'wxc0c0c0c0c0c0c0c0',
  componentSecret: 'component-secret-0123456789abcdef',
  token: 'pushToken42',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const MERCHANT = 'wx1111111111111111';
const OTHER = 'wx2222222222222222';
const EVENTS_PATH = 'wechat/component/events';
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') {
  throw new Error('TEST_REDIS_URL is not set: the component spec needs a real Redis in CI');
}
const itWithRedis = REDIS_URL ? it : it.skip;

@Injectable()
class SeenEvents {
  readonly events: WechatComponentEvent[] = [];
  /** How many `authorized` events the handler refuses before it accepts one. */
  failAuthorized = 0;

  @OnWechatComponentEvent('*')
  record(event: WechatComponentEvent): void {
    this.events.push(event);
  }

  @OnWechatComponentEvent(['authorized', 'updateauthorized'])
  onAuthorized(): void {
    if (this.failAuthorized > 0) {
      this.failAuthorized -= 1;
      throw new Error('the merchant directory is down');
    }
  }
}

interface Instance {
  app: INestApplication;
  url: string;
  service: PaidUnionIdService;
  tokens: AccessTokenProvider;
  component: WechatComponentService;
  seen: SeenEvents;
}

/** The tickets and authorisation codes that reached the sandbox's endpoints. */
function ticketsAndCodes(sandbox: WechatSandbox): string[] {
  return sandbox.requests().flatMap((request) => {
    if (typeof request.body !== 'string' || !request.body.startsWith('{')) return [];
    const body = JSON.parse(request.body) as Record<string, unknown>;
    return [body.component_verify_ticket, body.authorization_code].filter(
      (value): value is string => typeof value === 'string',
    );
  });
}

describe('third-party platform (component) mode against the sandbox', () => {
  const logs = new CapturingLogger();
  let sandbox: WechatSandbox;
  let instances: Instance[];
  let redisClients: Redis[];

  beforeEach(async () => {
    logs.lines.length = 0;
    Logger.overrideLogger(logs);
    instances = [];
    redisClients = [];
    sandbox = await WechatSandbox.start({ components: [COMPONENT], seed: 7 });
  });

  afterEach(async () => {
    await Promise.all(instances.map((i) => i.app.close()));
    for (const client of redisClients) client.disconnect();
    // Nothing secret was logged at any level: keys, tickets, codes, refresh and access tokens.
    const text = logs.lines.join('\n');
    const secrets = [
      COMPONENT.componentSecret,
      COMPONENT.encodingAesKey,
      COMPONENT.token,
      ...sandbox.issuedTokens(),
      ...ticketsAndCodes(sandbox),
    ];
    await sandbox.stop();
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  });

  async function start(
    store: WechatComponentStore,
    tokenStore?: AccessTokenStore,
    platform: 'fastify' | 'express' = 'fastify',
  ): Promise<Instance> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          component: { ...COMPONENT, store },
          apiBaseUrl: sandbox.url,
          retry: FAST_RETRY,
          tokenFetchBackoff: { baseDelayMs: 0 },
          ...(tokenStore && { tokenStore }),
          componentEventsPath: EVENTS_PATH,
        }),
      ],
      providers: [SeenEvents],
    })
      .setLogger(logs)
      .compile();
    const app =
      platform === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter())
        : moduleRef.createNestApplication({ rawBody: true });
    await app.listen(0, '127.0.0.1');
    const instance: Instance = {
      app,
      url: `${await app.getUrl()}/${EVENTS_PATH}`.replace('[::1]', '127.0.0.1'),
      service: app.get(PaidUnionIdService),
      tokens: app.get(AccessTokenProvider),
      component: app.get(WechatComponentService),
      seen: app.get(SeenEvents),
    };
    instances.push(instance);
    return instance;
  }

  async function redis(): Promise<Redis> {
    const client = new Redis(REDIS_URL!, { maxRetriesPerRequest: 1 });
    redisClients.push(client);
    await client.ping();
    return client;
  }

  async function authorised(instance: Instance, appId = MERCHANT, funcIds = [18]): Promise<void> {
    const pushed = await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: appId,
      funcIds,
      url: instance.url,
    });
    expect(pushed).toMatchObject({ status: 200, body: 'success' });
  }

  function paidBy(appId = MERCHANT, openid = `o-${randomUUID()}`) {
    return sandbox.registerPayment({ openid, appId });
  }

  /** getpaidunionid for a payment, as the mini program it was made in. */
  function lookUp(
    instance: Instance,
    payment: { appId: string; openid: string; transactionId: string },
  ): Promise<string> {
    return instance.service.getPaidUnionId({
      appId: payment.appId,
      openid: payment.openid,
      transactionId: payment.transactionId,
    });
  }

  it('stores a pushed ticket, exchanges the authorisation code and looks up a payment', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    const push = await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    expect(push).toMatchObject({ status: 200, body: 'success' });
    await expect(store.getTicket(COMPONENT.componentAppId)).resolves.toMatchObject({
      ticket: push.ticket,
    });
    await authorised(a);
    await expect(a.component.getAuthorizer(MERCHANT)).resolves.toMatchObject({
      authorizerAppId: MERCHANT,
      funcIds: [18],
    });
    const payment = paidBy();
    await expect(lookUp(a, payment)).resolves.toBe(payment.unionid);
    expect(a.seen.events.map((e) => e.infoType)).toEqual(['component_verify_ticket', 'authorized']);
  });

  it('without any ticket, a lookup rejects with WechatComponentTicketMissingError', async () => {
    const a = await start(new InMemoryWechatComponentStore());
    const payment = paidBy();
    await expect(lookUp(a, payment)).rejects.toBeInstanceOf(WechatComponentTicketMissingError);
  });

  it('a ticket push followed by a restart needs no new push', async () => {
    const store = new InMemoryWechatComponentStore();
    const first = await start(store);
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, first.url);
    await authorised(first);
    await first.app.close();
    instances = [];
    const restarted = await start(store);
    const payment = paidBy();
    await expect(lookUp(restarted, payment)).resolves.toBe(payment.unionid);
    expect(sandbox.counters().componentPushes).toBe(2);
  });

  it('1,000 concurrent lookups for one authoriser cause 1 authorizer token fetch', async () => {
    const a = await start(new InMemoryWechatComponentStore());
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a);
    const payments = Array.from({ length: 1000 }, () => paidBy());
    const unionids = await Promise.all(payments.map((p) => lookUp(a, p)));
    expect(unionids).toEqual(payments.map((p) => p.unionid));
    expect(sandbox.counters()).toMatchObject({
      authorizerTokenFetches: 1,
      componentTokenFetches: 1,
    });
  });

  itWithRedis(
    '3 instances on Redis: 1,000 concurrent lookups, 1 authorizer token fetch',
    async () => {
      const prefix = `component-test:${randomUUID()}:`;
      const three: Instance[] = [];
      for (let i = 0; i < 3; i += 1) {
        three.push(
          await start(
            new RedisWechatComponentStore(await redis(), { keyPrefix: `${prefix}component:` }),
            new RedisTokenStore(await redis(), { keyPrefix: `${prefix}token:` }),
          ),
        );
      }
      // The push reaches one instance; the others read the ticket and the refresh token from Redis.
      await sandbox.pushComponentTicket(COMPONENT.componentAppId, three[0].url);
      await authorised(three[1]);
      const payments = Array.from({ length: 1000 }, () => paidBy());
      const unionids = await Promise.all(payments.map((p, i) => lookUp(three[i % 3], p)));
      expect(unionids).toEqual(payments.map((p) => p.unionid));
      expect(sandbox.counters()).toMatchObject({
        authorizerTokenFetches: 1,
        componentTokenFetches: 1,
      });
      const admin = await redis();
      const keys = await admin.keys(`${prefix}*`);
      await admin.del(...keys);
    },
  );

  it('a rejected authorizer token (40001) is replaced once', async () => {
    const a = await start(new InMemoryWechatComponentStore());
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a);
    const first = paidBy();
    await lookUp(a, first);
    sandbox.failNext({ errcode: 40001 });
    const second = paidBy();
    await expect(lookUp(a, second)).resolves.toBe(second.unionid);
    expect(sandbox.counters().authorizerTokenFetches).toBe(2);
  });

  it('unauthorized stops lookups for that app with a typed error, other authorisers go on', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a, MERCHANT);
    await authorised(a, OTHER);
    const before = paidBy();
    await lookUp(a, before);
    const revoke = await sandbox.unauthorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
      url: a.url,
    });
    expect(revoke).toMatchObject({ status: 200, body: 'success' });
    const fetchesAfterRevoke = sandbox.counters().authorizerTokenFetches;
    const after = paidBy();
    const lookup = lookUp(a, after);
    await expect(lookup).rejects.toBeInstanceOf(WechatAuthorizerRevokedError);
    await expect(lookup).rejects.toMatchObject({ errcode: 61003, retryable: false });
    expect(sandbox.counters().authorizerTokenFetches).toBe(fetchesAfterRevoke);
    await expect(
      store.getAuthorizer(COMPONENT.componentAppId, MERCHANT),
    ).resolves.not.toHaveProperty('refreshToken');
    const other = paidBy(OTHER);
    await expect(lookUp(a, other)).resolves.toBe(other.unionid);
  });

  it('the refresh token rotates and the new one is kept', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a);
    const original = (await store.getAuthorizer(COMPONENT.componentAppId, MERCHANT))!.refreshToken;
    sandbox.rotateAuthorizerRefreshToken(COMPONENT.componentAppId, MERCHANT);
    const first = paidBy();
    await lookUp(a, first);
    const rotated = (await store.getAuthorizer(COMPONENT.componentAppId, MERCHANT))!.refreshToken;
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(original);
    // The next refresh (token past its refresh instant) works with the new one; the old is dead.
    sandbox.clock.advance(7200_000);
    await a.tokens.forceRefresh(MERCHANT);
    const second = paidBy();
    await expect(lookUp(a, second)).resolves.toBe(second.unionid);
    // The platform token expired with the clock too (one 42001, replaced once): every refresh
    // after the rotation sent the new refresh token.
    const sent = sandbox
      .requests()
      .filter((r) => r.path === '/cgi-bin/component/api_authorizer_token')
      .map(
        (r) =>
          (JSON.parse(String(r.body)) as { authorizer_refresh_token: string })
            .authorizer_refresh_token,
      );
    expect(sent).toEqual([original, rotated, rotated]);
    await expect(store.getAuthorizer(COMPONENT.componentAppId, MERCHANT)).resolves.toMatchObject({
      refreshToken: rotated,
    });
  });

  it('a lost refresh token is recovered through api_get_authorizer_list', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a);
    // Another store: the ticket survived, the authorisers did not.
    const emptied = new InMemoryWechatComponentStore();
    await emptied.saveTicket(
      COMPONENT.componentAppId,
      (await store.getTicket(COMPONENT.componentAppId))!,
    );
    await a.app.close();
    instances = [];
    const b = await start(emptied);
    const payment = paidBy();
    await expect(lookUp(b, payment)).resolves.toBe(payment.unionid);
    expect(sandbox.counters().authorizerListCalls).toBe(1);
    await expect(emptied.getAuthorizer(COMPONENT.componentAppId, MERCHANT)).resolves.toMatchObject({
      refreshToken: expect.any(String),
    });
  });

  it('a mini program without permission set 18 gets WechatComponentPermissionError (61007)', async () => {
    const a = await start(new InMemoryWechatComponentStore());
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    await authorised(a, MERCHANT, [1, 17]);
    const payment = paidBy();
    await expect(lookUp(a, payment)).rejects.toBeInstanceOf(WechatComponentPermissionError);
  });

  it('a forged push is refused with 400 and stores nothing', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    const url = new URL(a.url);
    url.search = new URLSearchParams({
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: '123',
      encrypt_type: 'aes',
      msg_signature: '0'.repeat(40),
    }).toString();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><AppId><![CDATA[${COMPONENT.componentAppId}]]></AppId><Encrypt><![CDATA[AAAA]]></Encrypt></xml>`,
    });
    expect(res.status).toBe(400);
    await expect(store.getTicket(COMPONENT.componentAppId)).resolves.toBeUndefined();
    expect(a.seen.events).toEqual([]);
  });

  it('serves the event URL on Express too (rawBody on, XML read from the request)', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store, undefined, 'express');
    await expect(
      sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url),
    ).resolves.toMatchObject({ status: 200, body: 'success' });
    await authorised(a);
    const payment = paidBy();
    await expect(lookUp(a, payment)).resolves.toBe(payment.unionid);
    const big = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: 'x'.repeat(70 * 1024),
    });
    expect(big.status).toBe(413);
  });

  it('a handler that throws makes the push answer 500 (WeChat pushes again); the module acted before it', async () => {
    const store = new InMemoryWechatComponentStore();
    const a = await start(store);
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, a.url);
    a.seen.failAuthorized = 1;
    const refused = await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
      url: a.url,
    });
    expect(refused).toMatchObject({ status: 500, body: 'fail' });
    expect(logs.lines.join('\n')).toContain('WechatComponentHandlerError');
    // What the module did before the handler ran is stored: the code was exchanged once.
    await expect(store.getAuthorizer(COMPONENT.componentAppId, MERCHANT)).resolves.toMatchObject({
      refreshToken: expect.any(String),
    });
    // WeChat's next push for it (the sandbox sends a fresh one rather than a redelivery).
    const again = await sandbox.updateComponentAuthorization({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
      url: a.url,
    });
    expect(again).toMatchObject({ status: 200, body: 'success' });
    expect(sandbox.counters().queryAuth).toBe(2);
  });
});
