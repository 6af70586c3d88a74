import { LookupDispatcher } from '@app/paid-unionid-capture';
import { BullmqLookupDispatcher } from '@app/paid-unionid-capture/lookup/bullmq/bullmq-lookup.dispatcher';
import { createTestDatabase, requireService } from './infra/test-databases';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const redisUrl = requireService('TEST_REDIS_URL');
const pgUrl = requireService('TEST_PG_URL');
const describeWithServices = redisUrl && pgUrl ? describe : describe.skip;

describeWithServices('payment-notify on PostgreSQL with BullMQ lookups (REDIS_URL)', () => {
  let h: PaymentNotifyHarness;
  beforeAll(async () => {
    const database = await createTestDatabase(pgUrl!);
    h = await PaymentNotifyHarness.start({
      env: { DATABASE_URL: database, REDIS_URL: `${redisUrl}/1`, LOOKUP_POLL_MS: '100' },
    });
  });
  afterAll(() => h?.stop());

  it('resolves payments through the queue and answers duplicates without a second lookup', async () => {
    const payments = Array.from({ length: 20 }, (_, i) => h.pay(`o-bull-${i}`));
    for (const payment of payments) {
      const fixture = h.notification(payment);
      const answers = await Promise.all([h.post(fixture), h.post(fixture)]);
      expect(answers.map((a) => a.status)).toEqual([204, 204]);
    }
    const settled = await Promise.all(payments.map((p) => h.settled(p.transactionId)));
    expect(settled.map((s) => s.unionid)).toEqual(payments.map((p) => p.unionid));
    const successes = h.sandbox.counters().successfulLookupsByTransaction;
    expect(payments.map((p) => successes[p.transactionId])).toEqual(payments.map(() => 1));
  });

  it('retries -1 through the queue until success', async () => {
    const payment = h.pay('o-bull-busy');
    h.sandbox.failNext('busy', 'busy', 'http5xx');
    expect((await h.post(h.notification(payment))).status).toBe(204);
    await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
    });
  });

  it('applies LOOKUP_RATE_LIMIT on the queue that every worker shares', async () => {
    const limited = await PaymentNotifyHarness.start({
      env: {
        DATABASE_URL: await createTestDatabase(pgUrl!),
        REDIS_URL: `${redisUrl}/3`,
        LOOKUP_RATE_LIMIT: '1',
      },
    });
    try {
      const dispatcher = limited.app.get(LookupDispatcher);
      if (!(dispatcher instanceof BullmqLookupDispatcher)) throw new Error('not on BullMQ');
      const queue = dispatcher.lookupQueue;
      const payments = [0, 1, 2].map((i) => limited.pay(`o-limited-${i}`));
      for (const payment of payments) {
        expect((await limited.post(limited.notification(payment))).status).toBe(204);
      }
      await limited.settled(payments[0].transactionId);
      // One start per second: right after a start the queue itself reports the limit.
      expect(await queue.getRateLimitTtl(1)).toBeGreaterThan(0);
      const settled = await Promise.all(payments.map((p) => limited.settled(p.transactionId)));
      expect(settled.map((s) => s.status)).toEqual(['resolved', 'resolved', 'resolved']);
    } finally {
      await limited.stop();
    }
  });
});
