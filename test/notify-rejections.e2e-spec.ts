import {
  TEST_ATTACKER_KEY,
  TEST_PLATFORM_CERTIFICATES,
  TEST_WECHATPAY_PUBLIC_KEY,
  type SandboxPayment,
  type WechatPayNotificationFixture,
} from '@app/wechat-sandbox';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

/** A line of a JavaScript stack trace, raw or inside a JSON string (`\n    at fn (file:1:2)`). */
const STACK_LINE = /(^|\\n)\s*at \S/m;
/** Long enough for the app's poll loop (LOOKUP_POLL_MS=100) to pick up a wrongly stored row. */
const QUIET_MS = 300;
const MAX_BODY_BYTES = 64 * 1024;

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(STACK_LINE);
}

type Forgery = (h: PaymentNotifyHarness, payment: SandboxPayment) => WechatPayNotificationFixture;

const withoutHeader =
  (name: string): Forgery =>
  (h, payment) =>
    h.notification(payment, { overrides: { headers: { [name]: null } } });

/** Unix seconds, taken early in a second so a ±301 s skew cannot shrink to 300 s in flight. */
async function nowSecondsEarlyInSecond(): Promise<number> {
  const intoSecond = Date.now() % 1000;
  if (intoSecond > 500) {
    await sleep(1000 - intoSecond + 5);
  }
  return Math.floor(Date.now() / 1000);
}

/** Changes one character of the (unencrypted, signed) envelope id after signing. */
function tamperOneByte(fixture: WechatPayNotificationFixture): WechatPayNotificationFixture {
  const at = fixture.body.indexOf(fixture.notificationId);
  const replacement = fixture.body[at] === 'a' ? 'b' : 'a';
  return {
    ...fixture,
    body: `${fixture.body.slice(0, at)}${replacement}${fixture.body.slice(at + 1)}`,
  };
}

describe('payment-notify: forged and broken notifications', () => {
  let h: PaymentNotifyHarness;
  let payerNo = 0;
  const pay = (): SandboxPayment => h.pay(`o-rejections-${++payerNo}`);

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterAll(() => h.stop());

  /**
   * Posts `fixture` and checks the rejection: 4xx, exactly `{code:'FAIL',message}`, no stack
   * trace, nothing stored and no lookup.
   */
  async function expectRejected(
    fixture: WechatPayNotificationFixture,
    payment: SandboxPayment,
  ): Promise<{ status: number; text: string }> {
    const lookupsBefore = h.sandbox.counters().lookups;
    const response = await h.post(fixture);
    const text = await response.text();

    expectNoStackTrace(text);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual({ code: 'FAIL', message: expect.stringMatching(/\S/) });

    await sleep(QUIET_MS);
    expect((await h.get(`/payments/${payment.transactionId}`)).status).toBe(404);
    expect((await h.get(`/unionids/${payment.openid}`)).status).toBe(404);
    expect(h.sandbox.counters().lookups).toBe(lookupsBefore);
    return { status: response.status, text };
  }

  const forgeries: Array<[string, Forgery]> = [
    [
      'a signature by an untrusted key announcing the trusted public key id',
      (h, payment) =>
        h.notification(payment, {
          signer: {
            privateKey: TEST_ATTACKER_KEY.privateKeyPem,
            serial: TEST_WECHATPAY_PUBLIC_KEY.id,
          },
        }),
    ],
    [
      "one platform certificate's signature announcing the other certificate's serial",
      (h, payment) =>
        h.notification(payment, {
          signer: {
            privateKey: TEST_PLATFORM_CERTIFICATES[0].privateKeyPem,
            serial: TEST_PLATFORM_CERTIFICATES[1].serial,
          },
        }),
    ],
    [
      'a body with one byte changed after signing',
      (h, payment) => tamperOneByte(h.notification(payment)),
    ],
    [
      'an unknown Wechatpay-Serial',
      (h, payment) =>
        h.notification(payment, {
          signer: {
            privateKey: TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem,
            serial: 'PUB_KEY_ID_0114232134912410000000000099',
          },
        }),
    ],
    [
      'a transaction of another merchant (mchid)',
      (h, payment) => h.notification(payment, { mchid: '1900000002' }),
    ],
    [
      'a resource encrypted with another 32-byte APIv3 key',
      (h, payment) => h.notification(payment, { apiV3Key: 'AnotherApiV3Key0123456789abcdefY' }),
    ],
    [
      'a correctly signed body that is not JSON',
      (h, payment) =>
        h.notification(payment, {
          overrides: {
            body: `{"id":"${payment.transactionId}","event_type":"TRANSACTION.SUCCESS",`,
          },
        }),
    ],
    [
      'a WECHATPAY/SIGNTEST/ probe signature',
      (h, payment) =>
        h.notification(payment, {
          overrides: { signature: `WECHATPAY/SIGNTEST/${randomBytes(256).toString('base64')}` },
        }),
    ],
    [
      'an unsupported Wechatpay-Signature-Type',
      (h, payment) =>
        h.notification(payment, {
          overrides: { headers: { 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' } },
        }),
    ],
    ['no Wechatpay-Timestamp header', withoutHeader('Wechatpay-Timestamp')],
    ['no Wechatpay-Nonce header', withoutHeader('Wechatpay-Nonce')],
    ['no Wechatpay-Signature header', withoutHeader('Wechatpay-Signature')],
    ['no Wechatpay-Serial header', withoutHeader('Wechatpay-Serial')],
  ];

  it.each(forgeries)('rejects %s', async (_name, forge) => {
    const payment = pay();
    await expectRejected(forge(h, payment), payment);
  });

  it.each([
    ['301 s in the past', -301],
    ['301 s in the future', 301],
  ])('rejects a correctly signed notification whose timestamp is %s', async (_name, offset) => {
    const payment = pay();
    const timestamp = (await nowSecondsEarlyInSecond()) + offset;
    await expectRejected(h.notification(payment, { timestamp }), payment);
  });

  it.each([
    ['299 s in the past', -299],
    ['299 s in the future', 299],
  ])('accepts a timestamp %s (inside the 5-minute skew)', async (_name, offset) => {
    const payment = pay();
    const timestamp = (await nowSecondsEarlyInSecond()) + offset;
    const response = await h.post(h.notification(payment, { timestamp }));
    expect(response.status).toBe(204);
    await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
    });
  });

  it('rejects a correctly signed body larger than 64 KiB with a 4xx and stores nothing', async () => {
    const payment = pay();
    const genuine = h.notification(payment);
    const padded = `${genuine.body.slice(0, -1)},"padding":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
    const fixture = h.notification(payment, { overrides: { body: padded } });
    expect(Buffer.byteLength(fixture.body)).toBeGreaterThan(MAX_BODY_BYTES);

    const { status } = await expectRejected(fixture, payment);
    expect([400, 413]).toContain(status);
  });

  it.each([
    ['the WeChat Pay public key id', TEST_WECHATPAY_PUBLIC_KEY.signer],
    ['the first platform certificate serial', TEST_PLATFORM_CERTIFICATES[0].signer],
    ['the second platform certificate serial', TEST_PLATFORM_CERTIFICATES[1].signer],
  ])('accepts a notification signed for %s and resolves it', async (_name, signer) => {
    const payment = pay();
    const response = await h.post(h.notification(payment, { signer }));
    const text = await response.text();
    expectNoStackTrace(text);
    expect(response.status).toBe(204);
    await expect(h.settled(payment.transactionId)).resolves.toMatchObject({
      status: 'resolved',
      unionid: payment.unionid,
      error: null,
    });
    expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
  });

  it.each([
    ['another event type (REFUND.SUCCESS)', { eventType: 'REFUND.SUCCESS' }],
    ['a TRANSACTION.SUCCESS whose trade_state is CLOSED', { trade_state: 'CLOSED' }],
    ['a TRANSACTION.SUCCESS whose trade_state is NOTPAY', { trade_state: 'NOTPAY' }],
    // Same merchant, another mini program: our access token cannot look its payer up.
    ['a payment of another mini program of the merchant', { appid: 'wx5151515151515151' }],
  ])(
    'acknowledges %s without a lookup and never lists it as pending or resolved',
    async (_n, input) => {
      const payment = pay();
      const lookupsBefore = h.sandbox.counters().lookups;
      const response = await h.post(h.notification(payment, input));
      const text = await response.text();
      expectNoStackTrace(text);
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);

      for (let check = 0; check < 4; check++) {
        const view = await h.get(`/payments/${payment.transactionId}`);
        if (view.status !== 404) {
          expect(view.status).toBe(200);
          expect(((await view.json()) as { status: string }).status).not.toMatch(
            /^(pending|resolved)$/,
          );
        }
        await sleep(QUIET_MS / 2);
      }
      expect(h.sandbox.counters().lookups).toBe(lookupsBefore);
      expect((await h.get(`/unionids/${payment.openid}`)).status).toBe(404);
    },
  );
});

describe('payment-notify: a notification that cannot be stored', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterAll(() => h.stop());

  it('answers 500 with a generic FAIL body and logs the cause for operators', async () => {
    // The database loses its table behind the app's back: every insert fails.
    const db = new Database(h.env.DATABASE_URL.slice('sqlite:'.length));
    db.exec('DROP TABLE paid_unionid_payments');
    db.close();

    const payment = h.pay('o-rejections-store-fails');
    const fixture = h.notification(payment);
    const response = await h.post(fixture);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ code: 'FAIL', message: 'internal error, please retry' });
    expect(text).not.toContain('paid_unionid_payments');
    const logged = h.logs.lines.filter((line) => line.includes(fixture.notificationId));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^error .*no such table: paid_unionid_payments/);
  });
});
