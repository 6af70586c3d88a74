import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppModule } from '../apps/payment-notify/src/app.module';
import {
  createHttpAdapter,
  HTTP_APP_OPTIONS,
} from '../apps/payment-notify/src/http/configure-http';
import { LogCapture, PaymentNotifyHarness } from './support/payment-notify.harness';

/** Longer than the 3 s the shutdown used to wait before handing leased rows back. */
const ANSWER_DELAY_MS = 4000;
/** Several scans of the second instance (LOOKUP_POLL_MS=100): time for a second lookup to show. */
const QUIET_MS = 500;

interface PaymentRow {
  status: string;
  unionid: string | null;
  lease_owner: string | null;
}

/** Another instance of the app on the same database and sandbox (no HTTP needed). */
async function startAnotherInstance(env: Record<string, string>): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register()] })
      .setLogger(logs)
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
      ...HTTP_APP_OPTIONS,
      logger: logs,
    });
    await app.init();
    return app;
  } finally {
    process.env = saved;
  }
}

describe('shutdown with a lookup in flight (in-process lookups, SQLite)', () => {
  let h: PaymentNotifyHarness;
  let other: INestApplication | undefined;
  let sqlitePath: string;

  const row = (transactionId: string): PaymentRow => {
    const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(
          'SELECT status, unionid, lease_owner FROM paid_unionid_payments WHERE transaction_id = ?',
        )
        .get(transactionId) as PaymentRow;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start({
      // One attempt outlives the answer delay: the lookup is in flight, not retrying.
      env: { WECHAT_TIMEOUT_MS: '10000', LOOKUP_SLICE_MS: '10000' },
    });
    sqlitePath = h.env.DATABASE_URL.slice('sqlite:'.length);
  });
  afterAll(async () => {
    await other?.close();
    await h.sandbox.stop();
    rmSync(dirname(sqlitePath), { recursive: true, force: true });
  });

  it('keeps the lease until the lookup has ended, so another instance never looks it up again', async () => {
    h.sandbox.setFaults({ delayMs: ANSWER_DELAY_MS });
    const payment = h.pay('o-shutdown-in-flight');
    expect((await h.post(h.notification(payment))).status).toBe(204);
    for (let waited = 0; h.lookupsOf(payment.transactionId) === 0; waited += 20) {
      if (waited > 10_000) throw new Error('the lookup never reached the sandbox');
      await sleep(20);
    }
    expect(row(payment.transactionId)).toMatchObject({ status: 'pending' });

    // The instance shuts down while WeChat holds the answer; another one scans meanwhile.
    const closing = h.app.close();
    other = await startAnotherInstance(h.env);
    await closing;

    expect(row(payment.transactionId)).toEqual({
      status: 'resolved',
      unionid: payment.unionid,
      lease_owner: null,
    });
    await sleep(QUIET_MS);
    expect(h.lookupsOf(payment.transactionId)).toBe(1);
    expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
  });
});
