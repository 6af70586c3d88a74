import {
  buildWechatPayNotification,
  toWechatPayTime,
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  WechatSandbox,
  type SandboxPayment,
  type WechatPayNotificationFixture,
  type WechatPayNotificationInput,
  type WechatSandboxOptions,
} from '@app/wechat-sandbox';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../apps/payment-notify/src/app.module';
import {
  configureHttp,
  createHttpAdapter,
  HTTP_APP_OPTIONS,
} from '../../apps/payment-notify/src/http/configure-http';
import type { PaymentView } from '../../apps/payment-notify/src/read/payment.view';
import {
  SANDBOX_APP,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../../apps/payment-notify/src/testing';

/** Every log line of the app, for "no secret in the output" checks. */
export class LogCapture implements LoggerService {
  readonly lines: string[] = [];
  private add =
    (level: string) =>
    (...parts: unknown[]) => {
      this.lines.push(
        `${level} ${parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}`,
      );
    };
  log = this.add('log');
  error = this.add('error');
  warn = this.add('warn');
  debug = this.add('debug');
  verbose = this.add('verbose');
  fatal = this.add('fatal');
}

export interface HarnessOptions {
  env?: Record<string, string>;
  sandbox?: WechatSandboxOptions;
}

/** The real app (Fastify, SQLite, lookups) in this process, against a fresh sandbox. */
export class PaymentNotifyHarness {
  private constructor(
    readonly sandbox: WechatSandbox,
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly env: Record<string, string>,
    readonly logs: LogCapture,
    private readonly dir: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<PaymentNotifyHarness> {
    const sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP], ...options.sandbox });
    const { env, dir } = sandboxEnvironment(sandbox, options.env);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const logs = new LogCapture();
    try {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule.register()] })
        .setLogger(logs)
        .compile();
      const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
        ...HTTP_APP_OPTIONS,
        logger: logs,
      });
      configureHttp(app);
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      return new PaymentNotifyHarness(sandbox, app, `http://127.0.0.1:${port}`, env, logs, dir);
    } catch (error) {
      await sandbox.stop();
      throw error;
    } finally {
      process.env = saved;
    }
  }

  /** Registers a payment in the sandbox (paid now). */
  pay(openid: string, extra: Partial<SandboxPayment> = {}): SandboxPayment {
    // The sandbox clock stands still; a payment made now is paid at the wall clock's now.
    return this.sandbox.registerPayment({
      paidAt: Date.now(),
      openid,
      appId: TEST_MERCHANT.appId,
      mchId: TEST_MERCHANT.mchId,
      ...extra,
    });
  }

  /** A signed TRANSACTION.SUCCESS notification of `payment` (public-key mode by default). */
  notification(
    payment: SandboxPayment,
    input: Partial<WechatPayNotificationInput> = {},
  ): WechatPayNotificationFixture {
    return PaymentNotifyHarness.notificationOf(payment, input);
  }

  /** A signed TRANSACTION.SUCCESS notification of `payment`, without a running harness. */
  static notificationOf(
    payment: SandboxPayment,
    input: Partial<WechatPayNotificationInput> = {},
  ): WechatPayNotificationFixture {
    return buildWechatPayNotification({
      appid: payment.appId,
      mchid: payment.mchId,
      transaction_id: payment.transactionId,
      out_trade_no: payment.outTradeNo,
      payer: { openid: payment.openid },
      success_time: toWechatPayTime(payment.paidAt),
      apiV3Key: TEST_MERCHANT.apiV3Key,
      signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
      ...input,
    } as WechatPayNotificationInput);
  }

  post(fixture: { headers: Record<string, string>; body: string | Uint8Array }): Promise<Response> {
    return fetch(`${this.url}/wechatpay/notify`, {
      method: 'POST',
      headers: fixture.headers,
      body: typeof fixture.body === 'string' ? fixture.body : Uint8Array.from(fixture.body),
    });
  }

  /** `GET path` with the read token (see {@link getAnonymously} for a request without it). */
  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: { ...SANDBOX_READ_HEADERS, ...headers } });
  }

  /** `GET path` without any `Authorization` header. */
  getAnonymously(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`);
  }

  /** Polls `GET /payments/:id` until its status is not `pending` (or `timeoutMs` passes). */
  async settled(transactionId: string, timeoutMs = 20_000): Promise<PaymentBody> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.get(`/payments/${transactionId}`);
      const body = response.status === 200 ? ((await response.json()) as PaymentBody) : undefined;
      if (body && body.status !== 'pending') {
        return body;
      }
      if (Date.now() > until) {
        throw new Error(`payment ${transactionId} still ${body?.status ?? response.status}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * How many `payments` rows the payer `openid` has, read straight from the SQLite file: a
   * duplicate row would not show through `GET /payments/:id`, which answers one of them.
   */
  storedPaymentCount(openid: string): number {
    const url = this.env.DATABASE_URL;
    if (!url.startsWith('sqlite:')) {
      throw new Error('storedPaymentCount needs a sqlite: DATABASE_URL');
    }
    const db = new Database(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare('SELECT COUNT(*) AS count FROM paid_unionid_payments WHERE openid = ?')
        .get(openid) as { count: number };
      return row.count;
    } finally {
      db.close();
    }
  }

  /**
   * How many rows `payments` and `unionids` hold, read straight from the SQLite file: the
   * "nothing stored" check for notifications whose transaction id is unknown or not a string.
   */
  storedRowCounts(): { payments: number; unionids: number } {
    const url = this.env.DATABASE_URL;
    if (!url.startsWith('sqlite:')) {
      throw new Error('storedRowCounts needs a sqlite: DATABASE_URL');
    }
    const db = new Database(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      const count = (table: string): number =>
        (db.prepare(`SELECT COUNT(*) AS count FROM ${table}`).get() as { count: number }).count;
      return { payments: count('paid_unionid_payments'), unionids: count('paid_unionid_unionids') };
    } finally {
      db.close();
    }
  }

  /** `getpaidunionid` calls the sandbox received for `transactionId` (0 when none). */
  lookupsOf(transactionId: string): number {
    return this.sandbox.counters().lookupsByTransaction[transactionId] ?? 0;
  }

  /** `getpaidunionid` calls for `transactionId` that the sandbox answered with a unionid. */
  successfulLookupsOf(transactionId: string): number {
    return this.sandbox.counters().successfulLookupsByTransaction[transactionId] ?? 0;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.sandbox.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `GET /payments/:transactionId` as the app answers it. */
export type PaymentBody = PaymentView;
