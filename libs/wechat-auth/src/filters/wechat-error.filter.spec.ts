import { WechatSandbox } from '@app/wechat-sandbox';
import { Controller, Get, Query } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  PaidUnionIdService,
  WechatAuthModule,
  WechatErrorFilter,
  type PaidUnionIdQuery,
  type WechatAuthModuleOptions,
  type WechatErrorResponseBody,
} from '../index';
import { CapturingLogger } from '../wechat-auth.test-helpers';

const APP = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };

/** What an app would write: the handler lets the library's errors through. */
@Controller('unionids')
class UnionidController {
  constructor(private readonly paidUnionId: PaidUnionIdService) {}

  @Get()
  async find(
    @Query() query: Record<string, string>,
    @Query('deadline') deadline?: string,
  ): Promise<{ unionid: string }> {
    const { deadline: _deadline, ...lookup } = query;
    const unionid = await this.paidUnionId.getPaidUnionId(lookup as unknown as PaidUnionIdQuery, {
      deadline: deadline === undefined ? undefined : Number(deadline),
    });
    return { unionid };
  }
}

describe('WechatErrorFilter on a Fastify app (real HTTP)', () => {
  const logs = new CapturingLogger();
  let sandbox: WechatSandbox;
  let app: NestFastifyApplication;
  let url: string;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], seed: 1 });
  });
  afterEach(async () => {
    await app?.close();
    await sandbox.stop();
  });

  async function start(
    options: Partial<WechatAuthModuleOptions> = {},
    registration: 'APP_FILTER' | 'useGlobalFilters' = 'APP_FILTER',
  ): Promise<void> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          ...APP,
          apiBaseUrl: sandbox.url,
          timeoutMs: 2000,
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
          ...options,
        }),
      ],
      controllers: [UnionidController],
      providers:
        registration === 'APP_FILTER' ? [{ provide: APP_FILTER, useClass: WechatErrorFilter }] : [],
    })
      .setLogger(logs)
      .compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    if (registration === 'useGlobalFilters') {
      app.useGlobalFilters(new WechatErrorFilter(app.get(HttpAdapterHost)));
    }
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  }

  /** GET /unionids; every answer is checked for the AppSecret and every token issued so far. */
  async function get(query: Record<string, string>): Promise<[number, WechatErrorResponseBody]> {
    const response = await fetch(`${url}/unionids?${new URLSearchParams(query)}`);
    const text = await response.text();
    for (const secret of [APP.secret, ...sandbox.issuedTokens()]) {
      expect(text).not.toContain(secret);
    }
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return [response.status, JSON.parse(text) as WechatErrorResponseBody];
  }
  const payment = (openid = 'o-filter') => sandbox.registerPayment({ openid, appId: APP.appId });

  it('answers the lookup itself when nothing fails', async () => {
    await start();
    const paid = payment();
    const response = await fetch(
      `${url}/unionids?openid=${paid.openid}&transactionId=${paid.transactionId}`,
    );
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ unionid: paid.unionid });
  });

  it('works registered by hand with useGlobalFilters too', async () => {
    await start({}, 'useGlobalFilters');
    const paid = payment();
    await expect(
      get({ openid: 'o-someone-else', transactionId: paid.transactionId }),
    ).resolves.toMatchObject([422, { errcode: 40003 }]);
  });

  it('400 for bad input, with the problems; WeChat is not called', async () => {
    await start();
    await expect(get({ transactionId: '42' })).resolves.toEqual([
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid getPaidUnionId query: openid must not be empty',
      },
    ]);
    expect(sandbox.counters().lookups).toBe(0);
  });

  it('422 with the errcode for 40003 (not the payer) and 89300 (unknown trade)', async () => {
    await start();
    const paid = payment();
    const [status, body] = await get({
      openid: 'o-someone-else',
      transactionId: paid.transactionId,
    });
    expect(status).toBe(422);
    expect(body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', errcode: 40003 });
    expect(body.message).toMatch(/errcode 40003/);
    await expect(
      get({ openid: paid.openid, transactionId: '4200000000000000000000000000' }),
    ).resolves.toMatchObject([422, { errcode: 89300 }]);
  });

  it('502 when WeChat refuses the token (no errcode, nothing about the credentials)', async () => {
    await start();
    sandbox.setFaults({ tokenError: { errcode: 40125 } });
    const paid = payment();
    await expect(get({ openid: paid.openid, transactionId: paid.transactionId })).resolves.toEqual([
      502,
      {
        statusCode: 502,
        error: 'Bad Gateway',
        message: 'no WeChat access token could be obtained',
      },
    ]);
    expect(logs.lines).toContainEqual(
      expect.stringMatching(/^error AccessTokenRefreshError: the AppSecret configured for/),
    );
  });

  it('502 for another WeChat errcode and for HTTP 5xx after the retries', async () => {
    await start();
    const paid = payment();
    sandbox.failNext({ errcode: 48001 });
    await expect(get({ openid: paid.openid, transactionId: paid.transactionId })).resolves.toEqual([
      502,
      {
        statusCode: 502,
        error: 'Bad Gateway',
        message: 'WeChat answered with an error',
        errcode: 48001,
      },
    ]);
    sandbox.setFaults({ http5xxRate: 1 });
    await expect(
      get({ openid: paid.openid, transactionId: paid.transactionId }),
    ).resolves.toMatchObject([502, { message: 'WeChat answered with an error' }]);
  });

  it('503 for -1 after the retries (with the errcode) and for an unconfigured appId', async () => {
    await start();
    const paid = payment();
    sandbox.setFaults({ busyRate: 1 });
    await expect(get({ openid: paid.openid, transactionId: paid.transactionId })).resolves.toEqual([
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'WeChat is busy; try again later',
        errcode: -1,
      },
    ]);
    sandbox.setFaults({});
    await expect(
      get({ openid: paid.openid, transactionId: paid.transactionId, appId: 'wx9999999999999999' }),
    ).resolves.toEqual([
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the WeChat integration is not configured for this request',
      },
    ]);
  });

  it('504 when the deadline has passed, and when the attempts time out', async () => {
    await start({ timeoutMs: 200 });
    const paid = payment();
    await expect(
      get({ openid: paid.openid, transactionId: paid.transactionId, deadline: '1' }),
    ).resolves.toEqual([
      504,
      { statusCode: 504, error: 'Gateway Timeout', message: 'WeChat did not answer in time' },
    ]);
    sandbox.failNext('hang', 'hang');
    await expect(
      get({ openid: paid.openid, transactionId: paid.transactionId }),
    ).resolves.toMatchObject([504, { message: 'WeChat did not answer in time' }]);
  });

  it('503 when WeChat cannot be reached', async () => {
    await start();
    const paid = payment();
    await sandbox.stop();
    await expect(get({ openid: paid.openid, transactionId: paid.transactionId })).resolves.toEqual([
      503,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'WeChat could not be reached; try again later',
      },
    ]);
  });
});
