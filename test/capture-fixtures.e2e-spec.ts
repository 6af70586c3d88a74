import {
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  WechatSandbox,
  type SandboxPayment,
} from '@wxpay-unionid/wechat-sandbox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_APP } from '../apps/payment-notify/src/testing';
import { createTestDatabase, requireService } from './infra/test-databases';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

/**
 * The contract's capture snippet as a user writes it (test/fixtures: only package entry points)
 * on Express and on Fastify, against the sandbox over HTTP: signed notifications in, `onResolved`
 * out with the right unionid, on SQLite and PostgreSQL, in-process and on BullMQ.
 */
const FIXTURES = join(__dirname, '../dist/fixtures/test/fixtures');
const entry = (platform: 'express' | 'fastify') => join(FIXTURES, `${platform}-app/main.js`);

const pgUrl = requireService('TEST_PG_URL');
const redisUrl = requireService('TEST_REDIS_URL');

interface HandlerLine {
  handler: 'resolved' | 'failed' | 'threw';
  transactionId: string;
  openid?: string;
  appId?: string;
  unionid?: string;
}

class FixtureApp {
  private constructor(
    readonly process: AppProcess,
    readonly url: string,
  ) {}

  static async start(
    platform: 'express' | 'fastify',
    env: Record<string, string>,
  ): Promise<FixtureApp> {
    const app = AppProcess.spawn(env, entry(platform));
    for (let waited = 0; waited < 20_000; waited += 50) {
      const ready = app.output.map(parse).find((line) => line?.listening !== undefined);
      if (ready) return new FixtureApp(app, `http://127.0.0.1:${String(ready.listening)}`);
      await sleep(50);
    }
    app.kill('SIGKILL');
    throw new Error(`the ${platform} fixture did not start:\n${app.output.join('\n')}`);
  }

  handlerLines(): HandlerLine[] {
    return this.process.output
      .map(parse)
      .filter((line): line is Record<string, unknown> => typeof line?.handler === 'string')
      .map((line) => line as unknown as HandlerLine);
  }

  post(payment: SandboxPayment): Promise<Response> {
    const fixture = PaymentNotifyHarness.notificationOf(payment);
    return fetch(`${this.url}/wechatpay/notify`, {
      method: 'POST',
      headers: fixture.headers,
      body: fixture.body,
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.process.kill(signal);
    await this.process.exit();
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean, what: string, withinMs = 30_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > withinMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the capture snippet in a user app (test/fixtures)', () => {
  let sandbox: WechatSandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
    dir = mkdtempSync(join(tmpdir(), 'capture-fixture-'));
  });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let payer = 0;
  const pay = (): SandboxPayment =>
    sandbox.registerPayment({
      paidAt: Date.now(),
      openid: `o-fixture-${++payer}`,
      appId: TEST_MERCHANT.appId,
      mchId: TEST_MERCHANT.mchId,
    });

  const envFor = (database: string, extra: Record<string, string> = {}) => ({
    WECHAT_APPID: SANDBOX_APP.appId,
    WECHAT_SECRET: SANDBOX_APP.secret,
    WECHAT_API_BASE_URL: sandbox.url,
    WECHATPAY_MCHID: TEST_MERCHANT.mchId,
    WECHATPAY_APIV3_KEY: TEST_MERCHANT.apiV3Key,
    WECHATPAY_PUBLIC_KEY_ID: TEST_WECHATPAY_PUBLIC_KEY.id,
    WECHATPAY_PUBLIC_KEY_PEM: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem,
    DATABASE: database,
    ...extra,
  });

  const sqlite = (name: string) => `sqlite:${join(dir, `${name}.sqlite`)}`;

  /** Posts 3 payments and waits for their `onResolved`, each with its unionid, once. */
  async function capturesThree(app: FixtureApp): Promise<void> {
    const payments = [pay(), pay(), pay()];
    for (const payment of payments) {
      expect((await app.post(payment)).status).toBe(204);
    }
    const resolved = () => app.handlerLines().filter((line) => line.handler === 'resolved');
    await until(() => resolved().length >= payments.length, 'three onResolved events');
    expect(
      resolved()
        .map(({ transactionId, openid, appId, unionid }) => ({
          transactionId,
          openid,
          appId,
          unionid,
        }))
        .sort((a, b) => a.transactionId.localeCompare(b.transactionId)),
    ).toEqual(
      payments
        .map(({ transactionId, openid, appId, unionid }) => ({
          transactionId,
          openid,
          appId,
          unionid,
        }))
        .sort((a, b) => a.transactionId.localeCompare(b.transactionId)),
    );
  }

  it.each(['express', 'fastify'] as const)(
    'captures unionids on %s with SQLite, lookups in process',
    async (platform) => {
      const app = await FixtureApp.start(platform, envFor(sqlite(`in-process-${platform}`)));
      try {
        await capturesThree(app);
        // A forged notification is refused in WeChat Pay's shape and captures nothing.
        const forged = await fetch(`${app.url}/wechatpay/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"id":"x"}',
        });
        expect(forged.status).toBe(400);
        expect(await forged.json()).toEqual({ code: 'FAIL', message: expect.any(String) });
      } finally {
        await app.stop();
      }
    },
  );

  (pgUrl && redisUrl ? it.each : it.skip.each)(['express', 'fastify'] as const)(
    'captures unionids on %s with PostgreSQL, lookups on BullMQ',
    async (platform) => {
      const database = await createTestDatabase(pgUrl!);
      const app = await FixtureApp.start(
        platform,
        envFor(database, { REDIS_URL: `${redisUrl!}/${platform === 'express' ? 5 : 6}` }),
      );
      try {
        await capturesThree(app);
      } finally {
        await app.stop();
      }
    },
  );

  it('finishes lookups in flight at kill -9 after a restart, and delivers their events', async () => {
    const database = sqlite('killed');
    sandbox.setFaults({ hang: true });
    const first = await FixtureApp.start('fastify', envFor(database));
    const payments = [pay(), pay(), pay()];
    try {
      for (const payment of payments) expect((await first.post(payment)).status).toBe(204);
      await until(() => sandbox.counters().lookups >= payments.length, 'lookups in flight');
    } finally {
      await first.stop('SIGKILL');
    }
    sandbox.setFaults({});
    const second = await FixtureApp.start('fastify', envFor(database));
    try {
      const resolved = () => second.handlerLines().filter((line) => line.handler === 'resolved');
      await until(() => resolved().length >= payments.length, 'events after the restart');
      expect(
        resolved()
          .map((line) => line.unionid)
          .sort(),
      ).toEqual(payments.map((payment) => payment.unionid).sort());
    } finally {
      await second.stop();
    }
  });

  it('delivers onResolved again after a handler threw twice, then never again', async () => {
    const app = await FixtureApp.start(
      'express',
      envFor(sqlite('handler-throws'), { FAIL_HANDLER_TIMES: '2' }),
    );
    try {
      const payment = pay();
      expect((await app.post(payment)).status).toBe(204);
      const lines = () =>
        app.handlerLines().filter((l) => l.transactionId === payment.transactionId);
      await until(() => lines().some((l) => l.handler === 'resolved'), 'the third delivery');
      // Redelivery waits 1 s, then 2 s: give a fourth delivery time to show up if there were one.
      await sleep(2_500);
      expect(lines().map((l) => l.handler)).toEqual(['threw', 'threw', 'resolved']);
      expect(lines()[2]).toMatchObject({ unionid: payment.unionid });
    } finally {
      await app.stop();
    }
  });
});
