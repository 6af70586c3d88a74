import { setTimeout as sleep } from 'node:timers/promises';
import { LookupDispatcher, PaidUnionIdStore } from '@app/paid-unionid-capture';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const CONCURRENCY = 2;
const BURST = 12;
/** Time for lookups past the limit to reach the sandbox. */
const QUIET_MS = 500;

describe('in-process lookups started in a burst', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start({
      env: {
        LOOKUP_CONCURRENCY: String(CONCURRENCY),
        // Only the lookups started here run: the scan does not come round during the test.
        LOOKUP_POLL_MS: '600000',
        // Held requests stay in flight instead of timing out and retrying.
        WECHAT_TIMEOUT_MS: '15000',
        LOOKUP_SLICE_MS: '15000',
      },
    });
  });
  afterAll(async () => {
    h.sandbox.setFaults({});
    await h?.stop();
  });

  it('never runs more than LOOKUP_CONCURRENCY lookups at once', async () => {
    h.sandbox.setFaults({ hang: true });
    const payments = Array.from({ length: BURST }, (_, i) => h.pay(`o-burst-${i}`));
    const store = h.app.get(PaidUnionIdStore);
    // What the notify route does for each notification (store, then start the lookup if there
    // is room), here for all of them in one go: one event-loop turn, one group commit.
    const dispatcher = h.app.get(LookupDispatcher);
    const createdAtMs = Date.now();
    const stored = await Promise.all(
      payments.map((p) =>
        dispatcher.insertAndDispatch({
          transactionId: p.transactionId,
          notificationId: `n-${p.transactionId}`,
          outTradeNo: p.outTradeNo,
          mchId: p.mchId,
          appId: p.appId,
          openid: p.openid,
          amountTotal: 1,
          currency: 'CNY',
          successTimeMs: p.paidAt,
          createdAtMs,
        }),
      ),
    );
    expect(stored).toEqual(Array(BURST).fill(true));
    // Only CONCURRENCY of them were stored leased to this process; the rest wait for a scan.
    const leased = await Promise.all(
      payments.map(async (p) => (await store.findByTransactionId(p.transactionId))?.leaseOwner),
    );
    expect(leased.filter((owner) => owner != null)).toHaveLength(CONCURRENCY);

    for (let waited = 0; h.sandbox.counters().lookups < CONCURRENCY; waited += 20) {
      if (waited > 10_000) throw new Error('the lookups never reached the sandbox');
      await sleep(20);
    }
    await sleep(QUIET_MS);
    expect(h.sandbox.counters().lookups).toBe(CONCURRENCY);
  });
});
