import { PaymentNotifyHarness } from './support/payment-notify.harness';
it('scratch', async () => {
  const h = await PaymentNotifyHarness.start();
  try {
    const payment = h.pay('o-x');
    const genuine = h.notification(payment);
    const padded = `${genuine.body.slice(0, -1)},"padding":"${'x'.repeat(1024 * 1024)}"}`;
    const r = await h.post(h.notification(payment, { overrides: { body: padded } }));
    console.log(r.status, r.headers.get('content-type'), await r.text());
    const r2 = await fetch(`${h.url}/wechatpay/notify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    console.log(r2.status, await r2.text());
    const r3 = await fetch(`${h.url}/wechatpay/notify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1024*1024+1) });
    console.log(r3.status, await r3.text());
    const r4 = await fetch(`${h.url}/wechatpay/notify`, { method: 'GET' });
    console.log(r4.status, await r4.text());
    const r5 = await fetch(`${h.url}/wechatpay/notify`, { method: 'POST' });
    console.log(r5.status, await r5.text());
    console.log(h.logs.lines.join('\n'));
  } finally { await h.stop(); }
});
