import { PaymentNotifyHarness } from './support/payment-notify.harness';

describe('payment-notify: the happy path and the read routes', () => {
  let h: PaymentNotifyHarness;
  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterAll(() => h.stop());

  it('stores a notification, answers 204 at once, and resolves the unionid', async () => {
    const payment = h.pay('o-happy');
    const response = await h.post(h.notification(payment));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');

    await expect(h.settled(payment.transactionId)).resolves.toEqual({
      transactionId: payment.transactionId,
      outTradeNo: payment.outTradeNo,
      mchId: payment.mchId,
      appId: payment.appId,
      openid: payment.openid,
      unionid: payment.unionid,
      status: 'resolved',
      error: null,
    });
    const unionid = await h.get(`/unionids/${payment.openid}`);
    expect(unionid.status).toBe(200);
    await expect(unionid.json()).resolves.toEqual({
      openid: payment.openid,
      unionid: payment.unionid,
    });
    expect(h.sandbox.counters().successfulLookupsByTransaction[payment.transactionId]).toBe(1);
  });

  it('answers 404 for an unknown transaction and an unknown openid', async () => {
    expect((await h.get('/payments/4200000000000000000000000000')).status).toBe(404);
    expect((await h.get('/unionids/o-nobody')).status).toBe(404);
  });

  it('reports health 200 while the database answers', async () => {
    const response = await h.get('/health');
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({ status: 'ok' });
  });
});
