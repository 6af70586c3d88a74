import { TEST_MERCHANT, type SandboxPayment } from '@app/wechat-sandbox';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_APP } from '../apps/payment-notify/src/testing';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

const WINDOW_MS = 5 * 60_000;
/** Several poll cycles of the app (LOOKUP_POLL_MS=100): time for a wrongly scheduled lookup to show. */
const QUIET_MS = 500;

function expect2xx(response: Response): void {
  expect(response.status).toBeGreaterThanOrEqual(200);
  expect(response.status).toBeLessThan(300);
}

/** A payment the sandbox has never seen: WeChat answers 89300 for it. */
function unknownPayment(openid: string): SandboxPayment {
  const digits = `${Date.now()}${Math.floor(Math.random() * 1e9)}`.padEnd(24, '7').slice(0, 24);
  return {
    openid,
    unionid: 'never-known',
    appId: TEST_MERCHANT.appId,
    mchId: TEST_MERCHANT.mchId,
    transactionId: `4200${digits}`,
    outTradeNo: `UNKNOWN${digits}`,
    paidAt: Date.now(),
  };
}

describe('payment-notify: duplicates, retries and terminal lookups', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterEach(() => {
    h.sandbox.setFaults({});
    h.sandbox.addApp(SANDBOX_APP);
  });
  afterAll(() => h.stop());

  describe('duplicates', () => {
    it('stores one row and looks up once when the same notification arrives 3 times at once', async () => {
      const payment = h.pay('o-dup-concurrent');
      const notification = h.notification(payment);

      const responses = await Promise.all([1, 2, 3].map(() => h.post(notification)));
      responses.forEach(expect2xx);

      await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
        status: 'resolved',
        unionid: payment.unionid,
      });
      await sleep(QUIET_MS);
      expect(h.storedPaymentCount(payment.openid)).toBe(1);
      expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
      expect(h.lookupsOf(payment.transactionId)).toBe(1);
    });

    it('accepts a WeChat retry re-signed with a new timestamp and nonce without a second lookup', async () => {
      const payment = h.pay('o-dup-resigned');
      const first = h.notification(payment, { timestamp: Math.floor(Date.now() / 1000) - 60 });
      expect((await h.post(first)).status).toBe(204);
      const resolved = await h.settled(payment.transactionId);
      expect(resolved).toMatchObject({ status: 'resolved', unionid: payment.unionid });

      const retry = h.notification(payment, { id: first.notificationId });
      expect(retry.headers['Wechatpay-Nonce']).not.toBe(first.headers['Wechatpay-Nonce']);
      expect(retry.headers['Wechatpay-Timestamp']).not.toBe(first.headers['Wechatpay-Timestamp']);
      expect2xx(await h.post(retry));

      await sleep(QUIET_MS);
      expect(h.lookupsOf(payment.transactionId)).toBe(1);
      expect(h.storedPaymentCount(payment.openid)).toBe(1);
      await expect((await h.get(`/payments/${payment.transactionId}`)).json()).resolves.toEqual(
        resolved,
      );
    });

    it('treats a notification of an already stored transaction under a new id as a duplicate', async () => {
      const payment = h.pay('o-dup-new-id');
      expect((await h.post(h.notification(payment))).status).toBe(204);
      await h.settled(payment.transactionId);

      expect2xx(await h.post(h.notification(payment)));

      await sleep(QUIET_MS);
      expect(h.lookupsOf(payment.transactionId)).toBe(1);
      expect(h.storedPaymentCount(payment.openid)).toBe(1);
    });
  });

  describe('transient failures are retried', () => {
    it('resolves after two "system busy" (-1) answers', async () => {
      const payment = h.pay('o-retry-busy');
      h.sandbox.failNext('busy', 'busy');
      expect((await h.post(h.notification(payment))).status).toBe(204);

      await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
        status: 'resolved',
        unionid: payment.unionid,
        error: null,
      });
      expect(h.lookupsOf(payment.transactionId)).toBe(3);
      expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
    });

    it('resolves after an HTTP 502 and a socket reset', async () => {
      const payment = h.pay('o-retry-transport');
      h.sandbox.failNext('http5xx', 'reset');
      expect((await h.post(h.notification(payment))).status).toBe(204);

      await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
        status: 'resolved',
        unionid: payment.unionid,
        error: null,
      });
      expect(h.lookupsOf(payment.transactionId)).toBe(3);
      expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
    });
  });

  describe('terminal errcodes are recorded without retrying', () => {
    async function expectTerminal(payment: SandboxPayment, errcode: number): Promise<void> {
      expect((await h.post(h.notification(payment))).status).toBe(204);
      const settled = await h.settled(payment.transactionId);
      expect(settled).toEqual({
        transactionId: payment.transactionId,
        outTradeNo: payment.outTradeNo,
        mchId: payment.mchId,
        appId: payment.appId,
        openid: payment.openid,
        unionid: null,
        status: 'failed',
        error: { errcode, errmsg: expect.stringMatching(/\S/) },
      });
      await sleep(QUIET_MS);
      expect(h.lookupsOf(payment.transactionId)).toBe(1);
      expect((await h.get(`/unionids/${payment.openid}`)).status).toBe(404);
    }

    it('records 40003 (invalid openid)', async () => {
      const payment = h.pay('o-terminal-40003');
      h.sandbox.failNext({ errcode: 40003 });
      await expectTerminal(payment, 40003);
    });

    it('records 89002 (mini program not bound to an Open Platform account)', async () => {
      h.sandbox.addApp({ ...SANDBOX_APP, openPlatformBound: false });
      await expectTerminal(h.pay('o-terminal-89002'), 89002);
    });

    it('records 89300 (a trade WeChat does not know)', async () => {
      await expectTerminal(unknownPayment('o-terminal-89300'), 89300);
    });
  });

  describe('the 5-minute window from success_time', () => {
    // The sandbox clock stands still unless told; the app's window runs on the real clock.
    beforeEach(() => h.sandbox.clock.set(Date.now()));

    it('stops retrying "system busy" when the window closes and records -1', async () => {
      const payment = h.pay('o-window-closing', {
        paidAt: Date.now() - (WINDOW_MS - 3000),
      });
      h.sandbox.setFaults({ busyRate: 1 });
      expect((await h.post(h.notification(payment))).status).toBe(204);

      const settled = await h.settled(payment.transactionId);
      expect(settled).toMatchObject({
        status: 'failed',
        unionid: null,
        error: { errcode: -1, errmsg: expect.stringMatching(/window.*expired|expired.*window/i) },
      });
      expect(h.lookupsOf(payment.transactionId)).toBeGreaterThanOrEqual(2);

      const lookupsWhenFailed = h.lookupsOf(payment.transactionId);
      await sleep(1500);
      expect(h.lookupsOf(payment.transactionId)).toBe(lookupsWhenFailed);
      expect(h.successfulLookupsOf(payment.transactionId)).toBe(0);
    });

    it('fails a payment whose success_time is already more than 5 minutes old without a lookup', async () => {
      const lookupsBefore = h.sandbox.counters().lookups;
      const payment = h.pay('o-window-closed', {
        paidAt: Date.now() - WINDOW_MS - 60_000,
      });
      expect((await h.post(h.notification(payment))).status).toBe(204);

      await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
        status: 'failed',
        unionid: null,
        error: { errcode: null, errmsg: expect.stringMatching(/window.*expired|expired.*window/i) },
      });
      await sleep(QUIET_MS);
      expect(h.lookupsOf(payment.transactionId)).toBe(0);
      expect(h.sandbox.counters().lookups).toBe(lookupsBefore);
    });
  });
});

describe('payment-notify: LOOKUP_SELECTOR=out_trade_no', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start({ env: { LOOKUP_SELECTOR: 'out_trade_no' } });
  });
  afterAll(() => h.stop());

  it('looks the payment up by mch_id + out_trade_no, never by transaction_id', async () => {
    // `|`, `*` and `@` are allowed in WeChat order numbers and must survive query encoding.
    const payment = h.pay('o-selector', { outTradeNo: `PN-${Date.now()}|A*B@c_d` });
    expect((await h.post(h.notification(payment))).status).toBe(204);

    await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
    });
    const lookups = h.sandbox.requests().filter((r) => r.path === '/wxa/getpaidunionid');
    expect(lookups).toHaveLength(1);
    expect(lookups[0].query).toMatchObject({
      openid: payment.openid,
      mch_id: payment.mchId,
      out_trade_no: payment.outTradeNo,
    });
    expect(lookups[0].query).not.toHaveProperty('transaction_id');
    expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
  });
});
