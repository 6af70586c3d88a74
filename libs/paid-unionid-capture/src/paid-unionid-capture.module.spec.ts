import { WechatAuthModule } from '@app/wechat-auth';
import { TEST_MERCHANT, WechatSandbox, type SandboxPayment } from '@app/wechat-sandbox';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidPaymentError, PaidUnionIdCaptureConfigError } from './errors';
import type {
  PaidUnionIdCaptureInput,
  PaidUnionIdCaptureModuleOptions,
  PaidUnionIdFailedEvent,
  PaidUnionIdResolvedEvent,
} from './interfaces';
import { PAYMENT_WINDOW_EXPIRED_ERRMSG } from './paid-unionid-capture.constants';
import { PaidUnionIdCaptureModule } from './paid-unionid-capture.module';
import { PaidUnionIdCapture } from './paid-unionid-capture.service';

const APP = { appId: TEST_MERCHANT.appId, secret: 'capture-spec-secret-0123456789ab' };

describe('PaidUnionIdCaptureModule', () => {
  let sandbox: WechatSandbox;
  let dir: string;
  let moduleRef: TestingModule | undefined;
  let resolved: PaidUnionIdResolvedEvent[];
  let failed: PaidUnionIdFailedEvent[];

  beforeAll(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP] });
    dir = mkdtempSync(join(tmpdir(), 'capture-module-'));
  });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    resolved = [];
    failed = [];
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  let files = 0;
  const wechatAuth = () =>
    WechatAuthModule.forRoot({ ...APP, apiBaseUrl: sandbox.url, timeoutMs: 1000, isGlobal: true });
  const options = (extra: Partial<PaidUnionIdCaptureModuleOptions> = {}) => ({
    database: `sqlite:${join(dir, `capture-${++files}.sqlite`)}`,
    pollMs: 50,
    onResolved: (event: PaidUnionIdResolvedEvent) => void resolved.push(event),
    onFailed: (event: PaidUnionIdFailedEvent) => void failed.push(event),
    ...extra,
  });

  async function start(extra: Partial<PaidUnionIdCaptureModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [wechatAuth(), PaidUnionIdCaptureModule.forRoot(options(extra))],
    }).compile();
    await moduleRef.init();
    return moduleRef.get(PaidUnionIdCapture);
  }

  let payer = 0;
  const pay = (extra: Partial<SandboxPayment> = {}) =>
    sandbox.registerPayment({
      paidAt: Date.now(),
      openid: `o-capture-module-${++payer}`,
      appId: APP.appId,
      mchId: TEST_MERCHANT.mchId,
      ...extra,
    });
  const inputOf = (payment: SandboxPayment): PaidUnionIdCaptureInput => ({
    appId: payment.appId,
    openid: payment.openid,
    transactionId: payment.transactionId,
    mchId: payment.mchId,
    outTradeNo: payment.outTradeNo,
    successTime: new Date(payment.paidAt),
  });

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  it('captures a payment: one lookup, the unionid stored, onResolved once', async () => {
    const capture = await start();
    const payment = pay();
    expect(await capture.capture(inputOf(payment))).toBe('stored');
    expect(await capture.capture(inputOf(payment))).toBe('duplicate');
    await until(() => resolved.length === 1, 'onResolved');
    expect(resolved[0]).toEqual({
      transactionId: payment.transactionId,
      outTradeNo: payment.outTradeNo,
      mchId: payment.mchId,
      appId: payment.appId,
      openid: payment.openid,
      unionid: payment.unionid,
      resolvedAt: expect.any(Date),
    });
    expect(await capture.status(payment.transactionId)).toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
      error: null,
    });
    expect(await capture.unionidOf(payment.openid)).toBe(payment.unionid);
    expect(sandbox.counters().lookupsByTransaction[payment.transactionId]).toBe(1);
    await sleep(200);
    expect(resolved).toHaveLength(1);
  });

  it('looks each payment up as its own mini program when WechatAuthModule has several', async () => {
    const second = { appId: 'wx2222222222222222', secret: 'second-app-secret-0123456789' };
    sandbox.addApp(second);
    moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          apps: [APP, second],
          apiBaseUrl: sandbox.url,
          timeoutMs: 1000,
          isGlobal: true,
        }),
        PaidUnionIdCaptureModule.forRoot(options()),
      ],
    }).compile();
    await moduleRef.init();
    const capture = moduleRef.get(PaidUnionIdCapture);
    const payments = [pay(), pay({ appId: second.appId })];
    for (const payment of payments) {
      expect(await capture.capture(inputOf(payment))).toBe('stored');
    }
    await until(() => resolved.length === 2, 'onResolved of both apps');
    expect(Object.fromEntries(resolved.map((e) => [e.appId, e.unionid]))).toEqual({
      [APP.appId]: payments[0].unionid,
      [second.appId]: payments[1].unionid,
    });
  });

  it('starts a payment that waited for a slot as soon as one frees, not at the next poll', async () => {
    // One slot and a poll far away: only the freed slot can start the waiting payments.
    const capture = await start({ concurrency: 1, pollMs: 60_000 });
    const payments = [pay(), pay(), pay()];
    for (const payment of payments) {
      expect(await capture.capture(inputOf(payment))).toBe('stored');
    }
    await until(() => resolved.length === 3, 'all three resolved');
    expect(resolved.map((e) => e.transactionId).sort()).toEqual(
      payments.map((p) => p.transactionId).sort(),
    );
  });

  it('records a terminal errcode (40003, not the payer) and tells onFailed', async () => {
    const capture = await start();
    const payment = pay();
    await capture.capture({ ...inputOf(payment), openid: 'o-somebody-else' });
    await until(() => failed.length === 1, 'onFailed');
    expect(failed[0]).toMatchObject({ transactionId: payment.transactionId, errcode: 40003 });
    expect(await capture.status(payment.transactionId)).toMatchObject({
      status: 'failed',
      unionid: null,
      error: { errcode: 40003 },
    });
    expect(await capture.unionidOf('o-somebody-else')).toBeNull();
  });

  it('fails a payment whose window closed without calling WeChat', async () => {
    const capture = await start();
    const payment = pay({ paidAt: Date.now() - 6 * 60_000 });
    const before = sandbox.counters().lookups;
    await capture.capture(inputOf(payment));
    await until(() => failed.length === 1, 'onFailed');
    expect(failed[0]).toMatchObject({
      errcode: null,
      errmsg: expect.stringContaining(PAYMENT_WINDOW_EXPIRED_ERRMSG),
    });
    expect(sandbox.counters().lookups).toBe(before);
  });

  it('ignores another mini program of the merchant (not looked up, nothing stored)', async () => {
    const capture = await start();
    const payment = pay();
    expect(await capture.capture({ ...inputOf(payment), appId: 'wx5151515151515151' })).toBe(
      'ignored',
    );
    expect(await capture.status(payment.transactionId)).toBeNull();
    expect(capture.captures(APP.appId)).toBe(true);
  });

  it('refuses unusable input before storing anything', async () => {
    const capture = await start();
    const payment = pay();
    await expect(capture.capture({ ...inputOf(payment), openid: '' })).rejects.toThrow(
      InvalidPaymentError,
    );
    expect(await capture.status(payment.transactionId)).toBeNull();
  });

  it('names every bad option at bootstrap, without printing the database URL', async () => {
    const secretUrl = 'mysql://user:s3cret@db/app';
    const failure = Test.createTestingModule({
      imports: [
        wechatAuth(),
        PaidUnionIdCaptureModule.forRoot({
          database: secretUrl,
          concurrency: 0,
          redis: 'http://cache',
        }),
      ],
    }).compile();
    await expect(failure).rejects.toThrow(PaidUnionIdCaptureConfigError);
    await expect(failure).rejects.toThrow(/database must be .*; redis must be .*; concurrency/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('registers with forRootAsync, the handler injected from the application', async () => {
    @Injectable()
    class Accounts {
      readonly linked: string[] = [];
      link(event: PaidUnionIdResolvedEvent): void {
        this.linked.push(event.unionid);
      }
    }
    @Module({ providers: [Accounts], exports: [Accounts] })
    class AccountsModule {}

    moduleRef = await Test.createTestingModule({
      imports: [
        wechatAuth(),
        PaidUnionIdCaptureModule.forRootAsync({
          imports: [AccountsModule],
          inject: [Accounts],
          useFactory: (accounts: Accounts) =>
            options({ onResolved: (event) => accounts.link(event), onFailed: undefined }),
        }),
      ],
    }).compile();
    await moduleRef.init();
    const payment = pay();
    await moduleRef.get(PaidUnionIdCapture).capture(inputOf(payment));
    const accounts = moduleRef.get(Accounts);
    await until(() => accounts.linked.length === 1, 'the injected handler');
    expect(accounts.linked).toEqual([payment.unionid]);
  });
});
