import { WechatSandbox } from '@app/wechat-sandbox';
import { Test, type TestingModule } from '@nestjs/testing';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { AccessTokenRefreshError } from './errors/access-token-refresh.error';
import { ExternalTokenSourceError } from './errors/external-token-source.error';
import {
  WechatApiError,
  WechatInvalidOpenidError,
  WechatInvalidTradeError,
  WechatOpenPlatformNotBoundError,
} from './errors/wechat-api.error';
import {
  WechatDeadlineExceededError,
  WechatHttpError,
  WechatNetworkError,
} from './errors/wechat-transport.error';
import { WechatValidationError } from './errors/wechat-validation.error';
import type { PaidUnionIdQuery } from './interfaces/paid-union-id-query.interface';
import type { WechatAuthModuleOptions } from './interfaces/wechat-auth-module-options.interface';
import { PaidUnionIdService } from './paid-union-id.service';
import { WechatAuthModule } from './wechat-auth.module';
import { waitUntil } from './access-token/redis/redis-token.test-helpers';
import { CapturingLogger, FAKE_TIMERS_WITH_REAL_IO } from './wechat-auth.test-helpers';

const APP = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

describe('PaidUnionIdService against the WeChat sandbox', () => {
  let sandbox: WechatSandbox;
  let moduleRef: TestingModule | undefined;
  const logs = new CapturingLogger();

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], seed: 1 });
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    await sandbox.stop();
  });

  async function boot(options: Partial<WechatAuthModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          ...APP,
          apiBaseUrl: sandbox.url,
          timeoutMs: 10_000,
          retry: FAST_RETRY,
          ...options,
        } as WechatAuthModuleOptions),
      ],
    })
      .setLogger(logs)
      .compile();
    return {
      service: moduleRef.get(PaidUnionIdService),
      tokens: moduleRef.get(AccessTokenProvider),
    };
  }

  const pay = (openid = 'o-payer-1', extra: { outTradeNo?: string } = {}) =>
    sandbox.registerPayment({ openid, appId: APP.appId, ...extra });

  it('returns the unionid by transactionId and by mchId + outTradeNo (stable token)', async () => {
    const { service } = await boot();
    const payment = pay();
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    await expect(
      service.getPaidUnionId({
        openid: payment.openid,
        mchId: payment.mchId,
        outTradeNo: payment.outTradeNo,
      }),
    ).resolves.toBe(payment.unionid);
    const counters = sandbox.counters();
    expect(counters.tokenCalls).toMatchObject({ stable: 1, classic: 0, stableForceRefresh: 0 });
    const tokenRequest = sandbox.requests().find((r) => r.path === '/cgi-bin/stable_token');
    expect(JSON.parse(tokenRequest!.body)).toMatchObject({ force_refresh: false });
  });

  it('classic mode fetches from GET /cgi-bin/token', async () => {
    const { service } = await boot({ tokenMode: 'classic' });
    const payment = pay();
    await service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId });
    expect(sandbox.counters().tokenCalls).toMatchObject({ classic: 1, stable: 0 });
  });

  it('1,000 concurrent callers cause exactly one token fetch', async () => {
    const { service } = await boot();
    const payments = Array.from({ length: 1000 }, (_, i) => pay(`o-concurrent-${i}`));
    const unionids = await Promise.all(
      payments.map((p) =>
        service.getPaidUnionId({ openid: p.openid, transactionId: p.transactionId }),
      ),
    );
    expect(unionids).toEqual(payments.map((p) => p.unionid));
    expect(sandbox.counters().tokenCalls.total).toBe(1);
  });

  it('refreshes the token ahead of expiry, not before the margin', async () => {
    const { tokens } = await boot({ tokenMode: 'classic', tokenRefreshMarginSeconds: 300 });
    const realNow = Date.now.bind(Date);
    const first = await tokens.getAccessToken();
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockImplementation(() => realNow() + (7200 - 310) * 1000);
      await expect(tokens.getAccessToken()).resolves.toBe(first);
      expect(sandbox.counters().tokenCalls.total).toBe(1);
      clock.mockImplementation(() => realNow() + (7200 - 290) * 1000);
      const second = await tokens.getAccessToken();
      expect(second).not.toBe(first);
      expect(sandbox.counters().tokenCalls.total).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('a short-lived token is refreshed at half its life, never with a TTL <= 0', async () => {
    await sandbox.stop();
    sandbox = await WechatSandbox.start({ apps: [APP], tokenTtlSeconds: 200 });
    const { tokens } = await boot({ tokenMode: 'classic', tokenRefreshMarginSeconds: 300 });
    const realNow = Date.now.bind(Date);
    const first = await tokens.getAccessToken();
    await expect(tokens.getAccessToken()).resolves.toBe(first);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 101_000);
    try {
      await expect(tokens.getAccessToken()).resolves.not.toBe(first);
      expect(sandbox.counters().tokenCalls.total).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('on 40001 replaces the token once and retries once', async () => {
    const { service } = await boot();
    const payment = pay();
    const query = { openid: payment.openid, transactionId: payment.transactionId };
    await service.getPaidUnionId(query);
    sandbox.revokeAllTokens();
    await expect(service.getPaidUnionId(query)).resolves.toBe(payment.unionid);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
    expect(sandbox.counters().lookups).toBe(3);
  });

  it.each([40014, 42001])('treats %i like 40001', async (errcode) => {
    const { service } = await boot();
    const payment = pay();
    sandbox.failNext({ errcode });
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
  });

  it('does not loop when the new token is rejected too', async () => {
    const { service } = await boot();
    const payment = pay();
    sandbox.failNext({ errcode: 40001 }, { errcode: 40001 }, { errcode: 40001 });
    const error = await service
      .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 40001 });
    expect(sandbox.counters().lookups).toBe(2);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
  });

  it('invalidate drops a token only while it is still the current one (compare-and-delete)', async () => {
    const { tokens } = await boot();
    const old = await tokens.getAccessToken();
    // forceRefresh is on the public AccessTokenProvider: no cast to the built-in class.
    const replaced = await tokens.forceRefresh();
    expect(replaced).not.toBe(old);
    await tokens.invalidate(old);
    await expect(tokens.getAccessToken()).resolves.toBe(replaced);
    expect(sandbox.counters().tokenCalls).toMatchObject({ total: 2, stableForceRefresh: 1 });
  });

  it('retries -1, HTTP 5xx, resets and timeouts, then succeeds', async () => {
    const { service } = await boot({ timeoutMs: 1000, retry: { ...FAST_RETRY, maxAttempts: 5 } });
    const payment = pay();
    sandbox.failNext('busy', 'http5xx', 'reset', 'hang');
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    expect(sandbox.counters().lookupsByTransaction[payment.transactionId]).toBe(5);
  });

  it('gives up after maxAttempts without a deadline, with the last error', async () => {
    const { service } = await boot();
    const payment = pay();
    sandbox.setFaults({ busyRate: 1 });
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).rejects.toMatchObject({ name: 'WechatApiError', errcode: -1 });
    expect(sandbox.counters().lookups).toBe(FAST_RETRY.maxAttempts);

    sandbox.setFaults({ http5xxRate: 1 });
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).rejects.toBeInstanceOf(WechatHttpError);
  });

  it('with a deadline retries past maxAttempts and stops at the deadline', async () => {
    const { service } = await boot({ retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 40 } });
    const payment = pay();
    sandbox.setFaults({ busyRate: 1 });
    const deadline = Date.now() + 600;
    await expect(
      service.getPaidUnionId(
        { openid: payment.openid, transactionId: payment.transactionId },
        { deadline },
      ),
    ).rejects.toMatchObject({ errcode: -1 });
    const calls = sandbox.counters().lookups;
    expect(calls).toBeGreaterThan(1);
    // Nothing is left scheduled: no call arrives after the promise settled.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sandbox.counters().lookups).toBe(calls);
  });

  it('a deadline already passed makes no call', async () => {
    const { service } = await boot();
    const payment = pay();
    await expect(
      service.getPaidUnionId(
        { openid: payment.openid, transactionId: payment.transactionId },
        { deadline: Date.now() - 1 },
      ),
    ).rejects.toBeInstanceOf(WechatDeadlineExceededError);
    expect(sandbox.requests()).toHaveLength(0);
  });

  it("a lookup's deadline bounds its token fetch: a hanging token endpoint is left at the deadline", async () => {
    const { service } = await boot({ timeoutMs: 2000 });
    const payment = pay();
    sandbox.failNextToken('hang', 'hang', 'hang', 'hang');
    const error = await service
      .getPaidUnionId(
        { openid: payment.openid, transactionId: payment.transactionId },
        { deadline: Date.now() + 300 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatDeadlineExceededError);
    expect(error).toMatchObject({ path: '/cgi-bin/stable_token' });
    // Left at the deadline: no retry of the hung attempt, no lookup.
    expect(sandbox.counters().tokenCalls.total).toBe(1);
    expect(sandbox.counters().lookups).toBe(0);
    // No caller waits for the fetch any more, so it is abandoned rather than retried unseen.
    await waitUntil(
      () => logs.lines.some((line) => line.startsWith('warn Abandoned the stable access_token')),
      'the fetch is abandoned',
    );
    expect(sandbox.counters().tokenCalls.total).toBe(1);
  });

  it('a caller that stops at its deadline leaves the shared token fetch running for the others', async () => {
    const { service } = await boot({ timeoutMs: 1000 });
    const payment = pay();
    const query = { openid: payment.openid, transactionId: payment.transactionId };
    sandbox.failNextToken('hang');
    let patientSettled = false;
    const patient = service.getPaidUnionId(query).finally(() => {
      patientSettled = true;
    });
    const hurried = service.getPaidUnionId(query, { deadline: Date.now() + 200 });
    await expect(hurried).rejects.toMatchObject({
      name: 'WechatDeadlineExceededError',
      path: '/cgi-bin/stable_token',
    });
    expect(patientSettled).toBe(false);
    expect(sandbox.counters().tokenCalls.total).toBe(1);
    await expect(patient).resolves.toBe(payment.unionid);
    // One fetch for both: the hung attempt and its retry.
    expect(sandbox.counters().tokenCalls.total).toBe(2);
    expect(sandbox.counters().lookups).toBe(1);
  });

  it('45011 is not retried when the next minute is past the deadline', async () => {
    const { service } = await boot();
    const payment = pay();
    const realNow = Date.now.bind(Date);
    // 10 s into a minute: the next minute is 50 s away, the deadline 1 s.
    const shift = 10_000 - (realNow() % 60_000);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
    try {
      sandbox.failNext({ errcode: 45011 });
      await expect(
        service.getPaidUnionId(
          { openid: payment.openid, transactionId: payment.transactionId },
          { deadline: Date.now() + 1000 },
        ),
      ).rejects.toMatchObject({ errcode: 45011 });
      expect(sandbox.counters().lookups).toBe(1);
    } finally {
      clock.mockRestore();
    }
  });

  it('45011 waits for the next minute when the deadline allows, then succeeds', async () => {
    const { service } = await boot();
    const payment = pay();
    const realNow = Date.now.bind(Date);
    // Pretend the wall clock sits 200 ms before a minute boundary, so the wait stays short.
    const shift = 60_000 - (realNow() % 60_000) - 200;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
    try {
      sandbox.failNext({ errcode: 45011 });
      await expect(
        service.getPaidUnionId(
          { openid: payment.openid, transactionId: payment.transactionId },
          { deadline: Date.now() + 30_000 },
        ),
      ).resolves.toBe(payment.unionid);
      expect(sandbox.counters().lookups).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('types the terminal errcodes 40003, 89002 and 89300', async () => {
    const { service } = await boot();
    const payment = pay();
    await expect(
      service.getPaidUnionId({ openid: 'o-someone-else', transactionId: payment.transactionId }),
    ).rejects.toBeInstanceOf(WechatInvalidOpenidError);
    await expect(
      service.getPaidUnionId({
        openid: payment.openid,
        transactionId: '4200000000000000000000000000',
      }),
    ).rejects.toBeInstanceOf(WechatInvalidTradeError);
    sandbox.clock.advance(5 * 60_000 + 1000);
    const late = await service
      .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WechatInvalidTradeError);
    expect(late).toMatchObject({ errcode: 89300, rid: expect.any(String) });
    expect(sandbox.counters().lookups).toBe(3);

    sandbox.addApp({ ...APP, appId: 'wx1111111111111111', openPlatformBound: false });
    await moduleRef!.close();
    const unbound = await boot({ appId: 'wx1111111111111111' });
    const other = sandbox.registerPayment({ openid: 'o-2', appId: 'wx1111111111111111' });
    await expect(
      unbound.service.getPaidUnionId({ openid: other.openid, transactionId: other.transactionId }),
    ).rejects.toBeInstanceOf(WechatOpenPlatformNotBoundError);
  });

  it.each<[string, unknown]>([
    ['no openid', { transactionId: '42' }],
    ['empty openid', { openid: '', transactionId: '42' }],
    ['both selectors', { openid: 'o', transactionId: '42', mchId: '1', outTradeNo: 'x' }],
    ['neither selector', { openid: 'o' }],
    ['mchId without outTradeNo', { openid: 'o', mchId: '1' }],
    ['empty transactionId', { openid: 'o', transactionId: '' }],
    ['a number for openid', { openid: 42, transactionId: '42' }],
  ])('rejects %s before any HTTP call', async (_, query) => {
    const { service } = await boot();
    await expect(service.getPaidUnionId(query as PaidUnionIdQuery)).rejects.toBeInstanceOf(
      WechatValidationError,
    );
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('URL-encodes odd merchant order numbers', async () => {
    const { service } = await boot();
    const outTradeNo = 'A|B*C D+E%F&G=H#1';
    const payment = pay('o-odd', { outTradeNo });
    await expect(
      service.getPaidUnionId({ openid: payment.openid, mchId: payment.mchId, outTradeNo }),
    ).resolves.toBe(payment.unionid);
    const lookup = sandbox.requests().find((r) => r.path === '/wxa/getpaidunionid')!;
    expect(lookup.query.out_trade_no).toBe(outTradeNo);
    expect(lookup.rawQuery).toContain('out_trade_no=A%7CB%2AC%20D%2BE%25F%26G%3DH%231');
  });

  it('cloud mode needs no secret, fetches no token and sends no access_token', async () => {
    await sandbox.stop();
    sandbox = await WechatSandbox.start({ apps: [APP], cloud: { appId: APP.appId } });
    moduleRef = await Test.createTestingModule({
      imports: [WechatAuthModule.forRoot({ tokenMode: 'cloud', apiBaseUrl: sandbox.url })],
    }).compile();
    const payment = pay();
    await expect(
      moduleRef
        .get(PaidUnionIdService)
        .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    expect(sandbox.counters().tokenCalls.total).toBe(0);
    expect(sandbox.requests().every((r) => !('access_token' in r.query))).toBe(true);
  });

  it('external mode uses the token source and never calls the token endpoints', async () => {
    const source = jest.fn(async () => ({ accessToken: central, expiresIn: 7200 }));
    const central = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        ...{ appid: APP.appId, secret: APP.secret },
      }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    sandbox.resetCounters();
    const { service } = await boot({
      secret: undefined,
      tokenMode: 'external',
      externalToken: source,
    });
    const payment = pay();
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    expect(source).toHaveBeenCalledWith(APP.appId);
    expect(sandbox.counters().tokenCalls.total).toBe(0);
  });

  it('an externalToken without tokenMode means external mode: no secret, no token endpoint', async () => {
    const central = await fetch(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
    ).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    sandbox.resetCounters();
    const { service } = await boot({ secret: undefined, externalToken: async () => central });
    const payment = pay();
    await expect(
      service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
    expect(sandbox.counters().tokenCalls.total).toBe(0);
  });

  describe('an externalToken source that fails', () => {
    const query = () => {
      const payment = pay();
      return { openid: payment.openid, transactionId: payment.transactionId };
    };

    it('rejects with ExternalTokenSourceError: its own message kept, the original as cause', async () => {
      const down = new Error('token service down');
      const { service } = await boot({
        secret: undefined,
        externalToken: async () => {
          throw down;
        },
      });
      const error = await service.getPaidUnionId(query()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExternalTokenSourceError);
      expect(error).toMatchObject({
        name: 'ExternalTokenSourceError',
        appId: APP.appId,
        message: `the external token source for ${APP.appId} failed: token service down`,
      });
      expect((error as ExternalTokenSourceError).cause).toBe(down);
      expect(sandbox.counters().lookups).toBe(0);
    });

    it('never puts a token into the message (masked), nor the cause into JSON', async () => {
      const leaked = 'sbx_leaked-token-value';
      const source = jest
        .fn<Promise<string>, [string]>()
        .mockRejectedValueOnce(new Error(`GET /token?access_token=${leaked} answered 503`))
        .mockResolvedValueOnce('');
      const { service } = await boot({
        secret: undefined,
        externalToken: source,
        tokenFetchBackoff: { baseDelayMs: 0 },
      });
      const masked = await service.getPaidUnionId(query()).catch((e: unknown) => e);
      expect(masked).toBeInstanceOf(ExternalTokenSourceError);
      expect((masked as Error).message).toBe(
        `the external token source for ${APP.appId} failed: GET /token?access_token=*** answered 503`,
      );
      expect(JSON.stringify(masked)).not.toContain(leaked);
      await expect(service.getPaidUnionId(query())).rejects.toMatchObject({
        name: 'ExternalTokenSourceError',
        message: `the external token source for ${APP.appId} failed: it returned no token`,
      });
      expect(source).toHaveBeenCalledTimes(2);
      expect(sandbox.counters().lookups).toBe(0);
    });
  });

  describe('after a failed token fetch (backoff per app)', () => {
    beforeEach(() => {
      jest.useFakeTimers(FAKE_TIMERS_WITH_REAL_IO);
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('callers share the failure for 2 s, doubling per failure in a row, reset by a token', async () => {
      const { service } = await boot();
      const payment = pay();
      const query = { openid: payment.openid, transactionId: payment.transactionId };
      const tokenCalls = () => sandbox.counters().tokenCalls.total;
      const lookUp = () => service.getPaidUnionId(query).catch((e: unknown) => e);
      sandbox.setFaults({ tokenError: { errcode: 40125 } });

      const first = await lookUp();
      expect(first).toBeInstanceOf(AccessTokenRefreshError);
      expect(first).toMatchObject({ reason: 'invalid-secret' });
      const sequential: unknown[] = [];
      for (let call = 0; call < 5; call++) {
        sequential.push(await lookUp());
      }
      expect(tokenCalls()).toBe(1);
      expect(sequential).toEqual(Array(5).fill(first));
      expect(sequential.every((error) => error === first)).toBe(true);
      const concurrent = await Promise.all([lookUp(), lookUp(), lookUp()]);
      expect(concurrent.every((error) => error === first)).toBe(true);
      expect(tokenCalls()).toBe(1);
      expect(logs.lines).toContainEqual(expect.stringContaining('paused for 2000 ms'));

      jest.advanceTimersByTime(1999);
      await expect(lookUp()).resolves.toBe(first);
      expect(tokenCalls()).toBe(1);
      jest.advanceTimersByTime(1);
      const second = await lookUp();
      expect(second).toBeInstanceOf(AccessTokenRefreshError);
      expect(second).not.toBe(first);
      expect(tokenCalls()).toBe(2);

      // Second failure in a row: 4 s.
      jest.advanceTimersByTime(3999);
      await expect(lookUp()).resolves.toBe(second);
      expect(tokenCalls()).toBe(2);
      jest.advanceTimersByTime(1);
      sandbox.setFaults({});
      await expect(lookUp()).resolves.toBe(payment.unionid);
      expect(tokenCalls()).toBe(3);

      // A fetched token reset the pause: the next failure pauses 2 s again.
      sandbox.revokeAllTokens();
      sandbox.setFaults({ tokenError: { errcode: 40125 } });
      const third = await lookUp();
      expect(third).toBeInstanceOf(AccessTokenRefreshError);
      expect(tokenCalls()).toBe(4);
      jest.advanceTimersByTime(1999);
      await expect(lookUp()).resolves.toBe(third);
      jest.advanceTimersByTime(1);
      await expect(lookUp()).resolves.toBeInstanceOf(AccessTokenRefreshError);
      expect(tokenCalls()).toBe(5);
      expect(sandbox.counters().lookups).toBe(2);
    });

    it('tokenFetchBackoff sets the pause; baseDelayMs 0 turns it off', async () => {
      const { service } = await boot({ tokenFetchBackoff: { baseDelayMs: 0 } });
      const payment = pay();
      sandbox.setFaults({ tokenError: { errcode: 40125 } });
      for (let call = 0; call < 3; call++) {
        await expect(
          service.getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
        ).rejects.toBeInstanceOf(AccessTokenRefreshError);
      }
      expect(sandbox.counters().tokenCalls.total).toBe(3);
    });
  });

  it('serves several apps, each with its own token', async () => {
    const second = { appId: 'wx2222222222222222', secret: 'b'.repeat(32) };
    sandbox.addApp(second);
    const { service } = await boot({ appId: undefined, secret: undefined, apps: [APP, second] });
    const p1 = pay('o-a');
    const p2 = sandbox.registerPayment({ openid: 'o-b', appId: second.appId });
    await expect(
      service.getPaidUnionId({ openid: p1.openid, transactionId: p1.transactionId }),
    ).resolves.toBe(p1.unionid);
    await expect(
      service.getPaidUnionId({
        openid: p2.openid,
        transactionId: p2.transactionId,
        appId: second.appId,
      }),
    ).resolves.toBe(p2.unionid);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
  });

  it.each<[string, number, string, RegExp]>([
    ['invalid-appid', 40013, 'invalid appid', /not a valid mini program appid/],
    ['invalid-secret', 40125, 'invalid appsecret', /AppSecret configured for/],
    [
      'ip-not-whitelisted',
      40164,
      'invalid ip 203.0.113.9 ipv6 ::ffff:203.0.113.9, not in whitelist',
      /IP 203\.0\.113\.9 is not in the API IP whitelist/,
    ],
    [
      'ip-not-whitelisted',
      61004,
      'access clientip is not registered',
      /not in the API IP whitelist/,
    ],
    ['quota-exceeded', 45009, 'reach max api daily quota limit', /daily token quota/],
    ['risky-ip', 89503, 'risky ip', /administrator/],
  ])('types token fetch failure %s (%i)', async (reason, errcode, errmsg, message) => {
    const { service } = await boot();
    const payment = pay();
    sandbox.setFaults({ tokenError: { errcode, errmsg } });
    const error = await service
      .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenRefreshError);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ reason, errcode });
    expect((error as Error).message).toMatch(message);
    expect(sandbox.counters().lookups).toBe(0);
  });

  it('reports an unreachable WeChat as WechatNetworkError', async () => {
    const url = sandbox.url;
    await sandbox.stop();
    moduleRef = await Test.createTestingModule({
      imports: [WechatAuthModule.forRoot({ ...APP, apiBaseUrl: url, retry: FAST_RETRY })],
    }).compile();
    await expect(
      moduleRef.get(PaidUnionIdService).getPaidUnionId({ openid: 'o', transactionId: '1' }),
    ).rejects.toBeInstanceOf(WechatNetworkError);
    sandbox = await WechatSandbox.start({ apps: [APP] });
  });

  it('no secret or token reaches a log line or an error message', async () => {
    logs.lines.length = 0;
    const errors: string[] = [];
    const collect = (e: unknown) => {
      errors.push(String(e), (e as Error).message, JSON.stringify(e), (e as Error).stack ?? '');
    };
    const { service, tokens } = await boot({ timeoutMs: 100 });
    const payment = pay();
    const query = { openid: payment.openid, transactionId: payment.transactionId };
    await service.getPaidUnionId(query);
    sandbox.revokeAllTokens();
    sandbox.failNext('busy', 'http5xx', 'reset', 'hang', { errcode: 40001 }, { errcode: 40001 });
    await service.getPaidUnionId(query).catch(collect);
    await service.getPaidUnionId(query).catch(collect);
    await service
      .getPaidUnionId({ openid: 'o-x', transactionId: payment.transactionId })
      .catch(collect);
    sandbox.setFaults({ tokenError: { errcode: 40125 } });
    sandbox.revokeAllTokens();
    await service.getPaidUnionId(query).catch(collect);
    await tokens.forceRefresh().catch(collect);

    const secrets = [APP.secret, ...sandbox.issuedTokens()];
    expect(sandbox.issuedTokens().length).toBeGreaterThan(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(logs.lines.some((l) => l.startsWith('warn'))).toBe(true);
    for (const text of [...logs.lines, ...errors]) {
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
