import { Catch, Controller, Headers, HttpCode, Injectable, Module, Post } from '@nestjs/common';
import type {
  ArgumentsHost,
  ExceptionFilter,
  INestApplication,
  LoggerService,
  Type,
} from '@nestjs/common';
import { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  TEST_ATTACKER_KEY,
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import type { WechatPayNotificationInput } from '@app/wechat-sandbox';
import {
  OnWechatPayNotification,
  WechatPayNotificationDispatcher,
  WechatPayNotificationService,
  WechatPayNotifyModule,
  WechatPayRawBody,
} from './index';
import type {
  WechatPayNotification,
  WechatPayNotificationHeaders,
  WechatPayNotifyModuleOptions,
  WechatPayNotifyOutcomeEvent,
  WechatPayTransactionNotification,
} from './index';

const OPTIONS: WechatPayNotifyModuleOptions = {
  mchId: TEST_MERCHANT.mchId,
  apiV3Key: TEST_MERCHANT.apiV3Key,
  publicKeys: [{ id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem }],
};

/** Every handler call, in order, across the apps of this file. */
const calls: Array<{ handler: string; notification: WechatPayNotification }> = [];
const outcomes: WechatPayNotifyOutcomeEvent[] = [];
let paidHandlerError: Error | undefined;

@Injectable()
class PaymentsHandler {
  @OnWechatPayNotification('TRANSACTION.SUCCESS')
  async onPaid(notification: WechatPayTransactionNotification): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (paidHandlerError !== undefined) throw paidHandlerError;
    calls.push({ handler: 'paid', notification });
  }
}

@Injectable()
class RefundsHandler {
  @OnWechatPayNotification(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS'])
  onRefundOrPaid(notification: WechatPayNotification): void {
    calls.push({ handler: 'refund-or-paid', notification });
  }
}

@Injectable()
class AuditHandler {
  @OnWechatPayNotification('*')
  onAny(notification: WechatPayNotification): void {
    calls.push({ handler: 'any', notification });
  }
}

/** Stands for an app's catch-all filter: the notify route's answers must not go through it. */
@Catch()
class TeapotFilter implements ExceptionFilter {
  constructor(private readonly adapter: AbstractHttpAdapter) {}

  catch(_exception: unknown, host: ArgumentsHost): void {
    this.adapter.reply(host.switchToHttp().getResponse(), { teapot: true }, 418);
  }
}

class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; trace?: string }> = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown, trace?: unknown): void {
    this.lines.push({ level: 'error', message: String(message), trace: String(trace) });
  }
  debug(message: unknown): void {
    this.lines.push({ level: 'debug', message: String(message) });
  }
  verbose(): void {}
  errors(): string[] {
    return this.lines.filter((l) => l.level === 'error').map((l) => l.message);
  }
}

// Nest loggers delegate to the latest app's logger: one for the whole file.
const logs = new CapturingLogger();

const platforms: Array<[string, () => AbstractHttpAdapter]> = [
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter()],
];

async function boot(
  module: Type,
  adapter: AbstractHttpAdapter,
  { rawBody = true, teapot = false } = {},
): Promise<{ app: INestApplication; baseUrl: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication(adapter, { rawBody, logger: logs });
  if (teapot) app.useGlobalFilters(new TeapotFilter(app.get(HttpAdapterHost).httpAdapter));
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

function notification(input: Partial<WechatPayNotificationInput> = {}) {
  return buildWechatPayNotification({
    apiV3Key: TEST_MERCHANT.apiV3Key,
    signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    ...input,
  });
}

async function post(
  url: string,
  n: { headers: Record<string, string>; body: string },
): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

beforeEach(() => {
  calls.splice(0);
  outcomes.splice(0);
  logs.lines.splice(0);
  paidHandlerError = undefined;
});

describe.each(platforms)('WechatPayNotifyModule route on %s (rawBody: true)', (_name, adapter) => {
  @Module({
    imports: [
      WechatPayNotifyModule.forRoot({
        ...OPTIONS,
        path: 'wechatpay/notify',
        hooks: { onOutcome: (event) => outcomes.push(event) },
      }),
    ],
    providers: [PaymentsHandler, RefundsHandler, AuditHandler],
  })
  class RouteAppModule {}

  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const booted = await boot(RouteAppModule, adapter(), { teapot: true });
    app = booted.app;
    url = `${booted.baseUrl}/wechatpay/notify`;
  });
  afterAll(() => app.close());

  it('answers 204 with no body once every handler took the decrypted transaction', async () => {
    const n = notification();
    const answer = await post(url, n);

    expect(answer).toMatchObject({ status: 204, text: '' });
    expect(calls.map((c) => c.handler)).toEqual(['paid', 'refund-or-paid', 'any']);
    expect(calls[0].notification).toMatchObject({
      id: n.notificationId,
      eventType: 'TRANSACTION.SUCCESS',
      transaction: n.transaction,
    });
    expect(outcomes).toEqual([
      { outcome: 'accepted', reason: 'handled', eventType: 'TRANSACTION.SUCCESS' },
    ]);
  });

  it('routes by event type: arrays and "*"', async () => {
    expect((await post(url, notification({ eventType: 'REFUND.SUCCESS' }))).status).toBe(204);
    expect(calls.map((c) => c.handler)).toEqual(['refund-or-paid', 'any']);

    calls.splice(0);
    expect((await post(url, notification({ eventType: 'PROFITSHARING.FINISHED' }))).status).toBe(
      204,
    );
    expect(calls.map((c) => c.handler)).toEqual(['any']);
    expect(calls[0].notification).toMatchObject({ transaction: null });
  });

  const tampered = () => {
    const n = notification();
    return { ...n, body: n.body.replace('"encrypt-resource"', '"encrypt-resourcE"') };
  };
  const oversized = () => {
    const n = notification();
    return { ...n, body: JSON.stringify({ ...JSON.parse(n.body), padding: 'x'.repeat(70_000) }) };
  };
  it.each([
    [
      'a forged signature',
      401,
      'bad-signature',
      'Wechatpay-Signature does not match the request',
      () =>
        notification({
          signer: {
            privateKey: TEST_ATTACKER_KEY.privateKeyPem,
            serial: TEST_WECHATPAY_PUBLIC_KEY.id,
          },
        }),
    ],
    [
      'a stale timestamp',
      401,
      'stale-timestamp',
      'Wechatpay-Timestamp is outside the allowed clock skew',
      () => notification({ timestamp: Math.floor(Date.now() / 1000) - 600 }),
    ],
    [
      'an unknown serial',
      401,
      'unknown-serial',
      'Wechatpay-Serial matches no configured WeChat Pay key',
      () => notification({ signer: TEST_PLATFORM_CERTIFICATES[0].signer }),
    ],
    [
      'a tampered body',
      401,
      'bad-signature',
      'Wechatpay-Signature does not match the request',
      tampered,
    ],
    [
      'a missing signature header',
      400,
      'missing-header',
      'Wechatpay-Signature header is missing',
      () => notification({ overrides: { headers: { 'Wechatpay-Signature': null } } }),
    ],
    [
      'another merchant',
      400,
      'mchid-mismatch',
      'Notification belongs to another merchant',
      () => notification({ mchid: '1900000002' }),
    ],
    [
      'a body over maxBodyBytes',
      413,
      'body-too-large',
      'Request body is larger than 65536 bytes',
      oversized,
    ],
    [
      'a body that is not application/json',
      400,
      'malformed-body',
      'Request body is missing or its content type is not application/json',
      () => notification({ overrides: { headers: { 'Content-Type': 'text/plain' } } }),
    ],
  ])('rejects %s: %i FAIL and no handler call', async (_case, status, reason, message, build) => {
    const answer = await post(url, build());

    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message });
    expect(calls).toEqual([]);
    expect(outcomes).toEqual([{ outcome: 'rejected', reason }]);
  });

  it("bypasses the app's global filters, which answer every other route", async () => {
    const elsewhere = await post(`${url}/elsewhere`, notification());
    expect(elsewhere).toMatchObject({ status: 418, text: '{"teapot":true}' });
  });

  it('answers 500 FAIL without the cause when a handler throws, and logs the cause', async () => {
    paidHandlerError = new Error('database is down');
    const n = notification();
    const answer = await post(url, n);

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({
      code: 'FAIL',
      message: 'internal error, please retry',
    });
    expect(answer.text).not.toContain('database');
    expect(answer.text).not.toContain('.ts:');
    // The handlers after the failing one do not run either: WeChat Pay delivers again.
    expect(calls).toEqual([]);
    expect(outcomes).toEqual([
      { outcome: 'error', reason: 'handler-failed', eventType: 'TRANSACTION.SUCCESS' },
    ]);
    const error = logs.lines.find((l) => l.level === 'error');
    expect(error?.message).toBe(
      `PaymentsHandler.onPaid failed on TRANSACTION.SUCCESS notification ${n.notificationId}: Error: database is down`,
    );
    expect(error?.trace).toContain('database is down');
  });
});

describe.each(platforms)('WechatPayNotifyModule.forRootAsync with path on %s', (_n, adapter) => {
  const CONFIG = Symbol('CONFIG');

  @Module({ providers: [{ provide: CONFIG, useValue: OPTIONS }], exports: [CONFIG] })
  class FakeConfigModule {}

  @Injectable()
  class AsyncPaymentsHandler {
    @OnWechatPayNotification('TRANSACTION.SUCCESS')
    onPaid(notification: WechatPayTransactionNotification): void {
      calls.push({ handler: 'async-paid', notification });
    }
  }

  @Module({
    imports: [
      WechatPayNotifyModule.forRootAsync({
        path: '/hooks/wechatpay/',
        imports: [FakeConfigModule],
        inject: [CONFIG],
        useFactory: (options: WechatPayNotifyModuleOptions): WechatPayNotifyModuleOptions => ({
          ...options,
          hooks: {
            onOutcome: () => {
              throw new Error('metrics are down');
            },
          },
        }),
      }),
    ],
    providers: [AsyncPaymentsHandler],
  })
  class AsyncAppModule {}

  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => ({ app, baseUrl } = await boot(AsyncAppModule, adapter())));
  afterAll(() => app.close());

  it('serves the path given on the async options', async () => {
    expect((await post(`${baseUrl}/hooks/wechatpay`, notification())).status).toBe(204);
    expect(calls.map((c) => c.handler)).toEqual(['async-paid']);
    expect((await post(`${baseUrl}/wechatpay/notify`, notification())).status).toBe(404);
  });

  it('acknowledges a notification no handler takes, and ignores a hook that throws', async () => {
    const answer = await post(
      `${baseUrl}/hooks/wechatpay`,
      notification({ eventType: 'REFUND.SUCCESS' }),
    );

    expect(answer.status).toBe(204);
    expect(calls).toEqual([]);
    expect(logs.lines).toContainEqual({
      level: 'warn',
      message: 'hooks.onOutcome threw; ignored: Error: metrics are down',
    });
  });
});

describe.each(platforms)('WechatPayNotifyModule without path on %s', (_n, adapter) => {
  @Injectable()
  class OwnHandler {
    @OnWechatPayNotification('TRANSACTION.SUCCESS')
    onPaid(notification: WechatPayTransactionNotification): void {
      calls.push({ handler: 'own', notification });
    }
  }

  /** A team's existing controller: verifies itself, then runs the same handlers. */
  @Controller('own')
  class OwnNotifyController {
    constructor(
      private readonly notifications: WechatPayNotificationService,
      private readonly dispatcher: WechatPayNotificationDispatcher,
    ) {}

    @Post('notify')
    @HttpCode(204)
    async notify(
      @Headers() headers: WechatPayNotificationHeaders,
      @WechatPayRawBody() rawBody: Buffer | undefined,
    ): Promise<void> {
      await this.dispatcher.dispatch(this.notifications.verifyAndDecrypt(headers, rawBody));
    }
  }

  @Module({
    imports: [WechatPayNotifyModule.forRoot(OPTIONS)],
    controllers: [OwnNotifyController],
    providers: [OwnHandler],
  })
  class NoPathAppModule {}

  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => ({ app, baseUrl } = await boot(NoPathAppModule, adapter())));
  afterAll(() => app.close());

  it('registers no route', async () => {
    expect((await post(`${baseUrl}/wechatpay/notify`, notification())).status).toBe(404);
    expect(calls).toEqual([]);
  });

  it('lets an own controller verify with @WechatPayRawBody() and dispatch to the handlers', async () => {
    const n = notification();
    expect((await post(`${baseUrl}/own/notify`, n)).status).toBe(204);
    expect(calls).toEqual([
      { handler: 'own', notification: expect.objectContaining({ id: n.notificationId }) },
    ]);
  });
});

describe.each(platforms)('WechatPayNotifyModule route on %s without rawBody', (_n, adapter) => {
  @Module({
    imports: [WechatPayNotifyModule.forRoot({ ...OPTIONS, path: 'wechatpay/notify' })],
    providers: [PaymentsHandler],
  })
  class NoRawBodyAppModule {}

  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const booted = await boot(NoRawBodyAppModule, adapter(), { rawBody: false });
    app = booted.app;
    url = `${booted.baseUrl}/wechatpay/notify`;
  });
  afterAll(() => app.close());

  it('rejects every notification and logs once that rawBody: true is needed', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await post(url, notification());
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        code: 'FAIL',
        message: 'Raw request body is unavailable (enable rawBody in the Nest application)',
      });
    }
    expect(calls).toEqual([]);
    expect(logs.errors()).toHaveLength(1);
    expect(logs.errors()[0]).toContain('rawBody: true');
  });
});
