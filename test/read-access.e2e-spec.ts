import { SANDBOX_READ_API_TOKEN } from '../apps/payment-notify/src/testing';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

/** The routes that show payer data or operations: behind READ_API_TOKEN, off without it. */
const READ_ROUTES = (transactionId: string, openid: string): string[] => [
  `/payments/${transactionId}`,
  `/unionids/${openid}`,
  '/metrics',
  '/docs',
  '/docs-json',
];

describe('payment-notify: read routes behind READ_API_TOKEN', () => {
  let h: PaymentNotifyHarness;
  let routes: string[];
  let payment: ReturnType<PaymentNotifyHarness['pay']>;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
    payment = h.pay('o-read-access');
    expect((await h.post(h.notification(payment))).status).toBe(204);
    await h.settled(payment.transactionId);
    routes = READ_ROUTES(payment.transactionId, payment.openid);
  });
  afterAll(() => h.stop());

  it('answers every read route with the bearer token', async () => {
    for (const route of routes) {
      expect([route, (await h.get(route)).status]).toEqual([route, 200]);
    }
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: `Bearer ${SANDBOX_READ_API_TOKEN}x` }],
    ['a prefix of the token', { authorization: `Bearer ${SANDBOX_READ_API_TOKEN.slice(0, -1)}` }],
    ['the token without the Bearer scheme', { authorization: SANDBOX_READ_API_TOKEN }],
    ['the token as Basic credentials', { authorization: `Basic ${SANDBOX_READ_API_TOKEN}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 and no payer data with %s', async (_case, headers) => {
    for (const route of routes) {
      const response = await fetch(`${h.url}${route}`, { headers });
      const text = await response.text();
      expect([route, response.status]).toEqual([route, 401]);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(text).not.toContain(payment.openid);
      expect(text).not.toContain(payment.unionid);
      expect(text).not.toContain(SANDBOX_READ_API_TOKEN);
    }
  });

  it('does not take the token from the query string', async () => {
    for (const token of [SANDBOX_READ_API_TOKEN, `Bearer ${SANDBOX_READ_API_TOKEN}`]) {
      const query = `?access_token=${encodeURIComponent(token)}&token=${encodeURIComponent(token)}`;
      for (const route of routes) {
        expect([route, (await h.getAnonymously(`${route}${query}`)).status]).toEqual([route, 401]);
      }
    }
  });

  it('keeps /health and the notify route open', async () => {
    expect((await h.getAnonymously('/health')).status).toBe(200);
    const next = h.pay('o-read-access-open');
    expect((await h.post(h.notification(next))).status).toBe(204);
  });
});

describe('payment-notify: read routes without READ_API_TOKEN', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    // An empty variable counts as unset.
    h = await PaymentNotifyHarness.start({ env: { READ_API_TOKEN: '' } });
  });
  afterAll(() => h.stop());

  it('says so in one start-up line', () => {
    const lines = h.logs.lines.filter((line) => line.includes('READ_API_TOKEN is not set'));
    expect(lines).toHaveLength(1);
  });

  it('turns the read routes off (404, even with a token) and still captures payments', async () => {
    const payment = h.pay('o-read-off');
    expect((await h.post(h.notification(payment))).status).toBe(204);
    for (const route of READ_ROUTES(payment.transactionId, payment.openid)) {
      const response = await h.get(route);
      const text = await response.text();
      expect([route, response.status]).toEqual([route, 404]);
      expect(text).not.toContain(payment.unionid);
    }
    expect((await h.getAnonymously('/health')).status).toBe(200);
    // Captured all the same: the lookup happens and the row is resolved in the database.
    for (
      let round = 0;
      round < 200 && h.successfulLookupsOf(payment.transactionId) === 0;
      round++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(h.successfulLookupsOf(payment.transactionId)).toBe(1);
    expect(h.storedPaymentCount(payment.openid)).toBe(1);
  });
});
