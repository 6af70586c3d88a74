// Copied verbatim into libs/wechat-sandbox/README.md (there imported from '@app/wechat-sandbox').
import { WechatSandbox } from '.';

describe('getpaidunionid against the sandbox', () => {
  let sandbox: WechatSandbox;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({
      apps: [{ appId: 'wxdemo0000000001', secret: 'demo-secret' }],
    });
  });

  afterEach(() => sandbox.stop());

  it('answers the unionid within 5 minutes of payment, then 89300', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-demo', outTradeNo: 'order 1+1' });

    const tokenRes = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: 'wxdemo0000000001',
        secret: 'demo-secret',
      }),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };

    const query = new URLSearchParams({
      access_token,
      openid: 'o-demo',
      mch_id: payment.mchId,
      out_trade_no: 'order 1+1',
    });
    const lookup = async () => (await fetch(`${sandbox.url}/wxa/getpaidunionid?${query}`)).json();

    expect(await lookup()).toEqual({ unionid: payment.unionid, errcode: 0, errmsg: 'ok' });

    sandbox.failNext('busy');
    expect(await lookup()).toMatchObject({ errcode: -1 });

    sandbox.clock.advance(5 * 60_000 + 1);
    expect(await lookup()).toMatchObject({ errcode: 89300 });
    expect(sandbox.counters().lookups).toBe(3);
  });
});
