import { WechatSandbox, type SandboxPayment } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import {
  SANDBOX_APP,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../apps/payment-notify/src/testing';
import { createTestDatabase, requireService } from './infra/test-databases';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness, type PaymentBody } from './support/payment-notify.harness';

const redisUrl = requireService('TEST_REDIS_URL');
const pgUrl = requireService('TEST_PG_URL');
const describeWithServices = redisUrl && pgUrl ? describe : describe.skip;

const PAYMENTS = 300;

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

describeWithServices('three instances sharing Redis and PostgreSQL', () => {
  let sandbox: WechatSandbox;
  let dir: string;
  let database: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
    database = await createTestDatabase(pgUrl!);
  });
  afterAll(async () => {
    apps.forEach((app) => app.kill('SIGKILL'));
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves every payment exactly once with one token fetch, also when an instance dies', async () => {
    let env: Record<string, string>;
    ({ env, dir } = sandboxEnvironment(sandbox, {
      DATABASE_URL: database,
      REDIS_URL: `${redisUrl}/2`,
      LOG_LEVEL: 'log',
      LOOKUP_POLL_MS: '200',
      // A timed-out request may still succeed at WeChat and be asked again: under CPU contention
      // a short timeout would turn into repeated successful lookups that prove nothing here.
      WECHAT_TIMEOUT_MS: '5000',
      // Bounds the lookups a killed instance can leave answered-but-unrecorded (checked below).
      LOOKUP_CONCURRENCY: '8',
    }));
    // Instances start one after another on a fresh database (migrations run under a lock anyway).
    const instances: { app: AppProcess; url: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await AppProcess.start(env);
      apps.push(started.app);
      instances.push(started);
    }
    sandbox.setFaults({ delayMs: 30 });
    const payments: SandboxPayment[] = Array.from({ length: PAYMENTS }, (_, i) =>
      sandbox.registerPayment({
        openid: `o-multi-${i}`,
        appId: SANDBOX_APP.appId,
        paidAt: Date.now(),
      }),
    );
    const alive = new Set([0, 1, 2]);
    await eachLimited(payments, 12, async (payment, i) => {
      if (i === PAYMENTS / 2) {
        instances[2].app.kill('SIGKILL'); // mid-run: its leased rows and active jobs are orphaned
        alive.delete(2);
      }
      const targets = [...alive];
      const first = targets[i % targets.length];
      const second = targets[(i + 1) % targets.length];
      const fixture = PaymentNotifyHarness.notificationOf(payment);
      const post = (k: number) =>
        fetch(`${instances[k].url}/wechatpay/notify`, {
          method: 'POST',
          headers: fixture.headers,
          body: fixture.body,
        }).then(
          (r) => r.status,
          () => 0, // the connection died with the killed instance
        );
      // Every notification also reaches a second instance (WeChat delivers twice).
      const statuses = await Promise.all([post(first), post(second)]);
      // A request in flight to the instance killed at that moment may fail; the other one counts.
      expect(statuses.some((s) => s === 204)).toBe(true);
    });

    const reader = instances[0].url;
    const until = Date.now() + 90_000;
    let states: PaymentBody[];
    for (;;) {
      states = await Promise.all(
        payments.map(
          async (p) =>
            (await (
              await fetch(`${reader}/payments/${p.transactionId}`, {
                headers: SANDBOX_READ_HEADERS,
              })
            ).json()) as PaymentBody,
        ),
      );
      if (states.every((s) => s.status === 'resolved') || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(states.filter((s) => s.status !== 'resolved')).toEqual([]);
    expect(states.map((s) => s.unionid)).toEqual(payments.map((p) => p.unionid));
    expect(sandbox.counters().tokenCalls.total).toBe(1);

    const db = new Client({ connectionString: database });
    await db.connect();
    try {
      const rows = await db.query<{ n: number; distinct_tx: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT transaction_id)::int AS distinct_tx FROM paid_unionid_payments',
      );
      expect(rows.rows[0]).toEqual({ n: PAYMENTS, distinct_tx: PAYMENTS });
      const unionids = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM paid_unionid_unionids',
      );
      expect(unionids.rows[0].n).toBe(PAYMENTS);
    } finally {
      await db.end();
    }
    // Each payment got a successful answer; only lookups in flight in the killed instance
    // (at most its concurrency) may have been answered twice.
    const successes = sandbox.counters().successfulLookupsByTransaction;
    expect(payments.every((p) => successes[p.transactionId] >= 1)).toBe(true);
    const repeats = payments.filter((p) => successes[p.transactionId] > 1).length;
    expect(repeats).toBeLessThanOrEqual(8);
  });
});
