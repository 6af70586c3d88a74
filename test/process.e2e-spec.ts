import { WechatSandbox } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import {
  SANDBOX_APP,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../apps/payment-notify/src/testing';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness, type PaymentBody } from './support/payment-notify.harness';

/** The app as its own process: crash recovery, signals, start-up errors. */
describe('payment-notify as a process', () => {
  let sandbox: WechatSandbox;
  let dir: string;
  let env: Record<string, string>;
  const running: AppProcess[] = [];

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
    ({ env, dir } = sandboxEnvironment(sandbox, { LOG_LEVEL: 'log' }));
  });
  afterEach(async () => {
    running.splice(0).forEach((app) => app.kill('SIGKILL'));
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (extra: Record<string, string> = {}) => {
    const started = await AppProcess.start({ ...env, ...extra });
    running.push(started.app);
    return started;
  };

  const post = (url: string, fixture: { headers: Record<string, string>; body: string }) =>
    fetch(`${url}/wechatpay/notify`, {
      method: 'POST',
      headers: fixture.headers,
      body: fixture.body,
    });

  const payment = async (url: string, transactionId: string): Promise<PaymentBody> =>
    (await (
      await fetch(`${url}/payments/${transactionId}`, { headers: SANDBOX_READ_HEADERS })
    ).json()) as PaymentBody;

  it('finishes every acknowledged lookup after kill -9 and a restart, without a new notification', async () => {
    const first = await start({ LOOKUP_CONCURRENCY: '8' });
    // The first 8 lookups hang for good (the process dies while they wait).
    sandbox.failNext(...Array.from({ length: 8 }, () => 'hang' as const));
    const payments = Array.from({ length: 20 }, (_, i) =>
      sandbox.registerPayment({ openid: `o-crash-${i}`, appId: SANDBOX_APP.appId }),
    );
    for (const p of payments) {
      const response = await post(first.url, PaymentNotifyHarness.notificationOf(p));
      expect(response.status).toBe(204);
    }
    // Lookups are in flight (WeChat hangs) when the process dies.
    while (sandbox.counters().lookups < 8) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.app.kill('SIGKILL');
    // Answered by WeChat but maybe not recorded before the kill: those may be looked up again.
    const answeredBeforeKill = { ...sandbox.counters().successfulLookupsByTransaction };
    await first.app.exit();

    const second = await start();
    const until = Date.now() + 30_000;
    let states: PaymentBody[] = [];
    while (Date.now() < until) {
      states = await Promise.all(payments.map((p) => payment(second.url, p.transactionId)));
      if (states.every((s) => s.status !== 'pending')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(states.map((s) => s.status)).toEqual(payments.map(() => 'resolved'));
    expect(states.map((s) => s.unionid)).toEqual(payments.map((p) => p.unionid));
    // At least once: one stored unionid each (above); a second successful lookup only for a
    // payment whose answer was in flight when the process died.
    const successes = sandbox.counters().successfulLookupsByTransaction;
    for (const p of payments) {
      const allowed = answeredBeforeKill[p.transactionId] ? 2 : 1;
      expect(successes[p.transactionId]).toBeGreaterThanOrEqual(1);
      expect(successes[p.transactionId]).toBeLessThanOrEqual(allowed);
    }
  });

  it('exits 0 on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { app, url } = await start();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      app.kill(signal);
      await expect(app.exit()).resolves.toEqual({ code: 0, signal: null });
    }
  });

  it('stops with one line naming a missing or malformed variable, never printing a secret', async () => {
    const { WECHATPAY_MCHID: _mchid, ...withoutMchid } = env;
    const app = AppProcess.spawn({
      ...withoutMchid,
      WECHATPAY_APIV3_KEY: 'too-short-secret-value',
    });
    running.push(app);
    await expect(app.exit()).resolves.toMatchObject({ code: 1 });
    expect(app.output).toHaveLength(1);
    expect(app.output[0]).toMatch(/WECHATPAY_MCHID/);
    expect(app.output[0]).toMatch(/WECHATPAY_APIV3_KEY/);
    expect(app.output[0]).not.toContain('too-short-secret-value');
    expect(app.output[0]).not.toContain(env.WECHAT_SECRET);
  });
});
