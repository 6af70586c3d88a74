import type { SandboxPayment } from './interfaces';
import { WechatSandbox } from './wechat-sandbox.server';

const APP = { appId: 'wx00000000000000d1', secret: 'secret-d1' };

type Json = Record<string, unknown>;

describe('WechatSandbox control API (/__sandbox)', () => {
  let sandbox: WechatSandbox;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], startTime: Date.UTC(2025, 2, 3) });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  async function control(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${sandbox.url}/__sandbox/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function token(app = APP): Promise<string> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: app.appId,
      secret: app.secret,
    });
    const res = await fetch(`${sandbox.url}/cgi-bin/token?${query}`);
    return ((await res.json()) as Json).access_token as string;
  }

  async function lookupErrcode(accessToken: string, payment: SandboxPayment): Promise<unknown> {
    const query = new URLSearchParams({
      access_token: accessToken,
      openid: payment.openid,
      transaction_id: payment.transactionId,
    });
    const res = await fetch(`${sandbox.url}/wxa/getpaidunionid?${query}`);
    return ((await res.json()) as Json).errcode;
  }

  it('POST payments registers one payment or an array of them', async () => {
    const one = await control('payments', { openid: 'o-ctl-1', outTradeNo: 'ctl|1' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      openid: 'o-ctl-1',
      unionid: expect.stringMatching(/^o.{27}$/),
      appId: APP.appId,
      mchId: '1900000001',
      transactionId: expect.stringMatching(/^\d{28}$/),
      outTradeNo: 'ctl|1',
      paidAt: Date.UTC(2025, 2, 3),
    });

    const many = await control('payments', [{ openid: 'o-ctl-2' }, { openid: 'o-ctl-3' }]);
    expect(many.status).toBe(200);
    const payments = many.body as SandboxPayment[];
    expect(payments.map((p) => p.openid)).toEqual(['o-ctl-2', 'o-ctl-3']);

    const accessToken = await token();
    expect(await lookupErrcode(accessToken, one.body as SandboxPayment)).toBe(0);
    expect(await lookupErrcode(accessToken, payments[1])).toBe(0);
  });

  it('POST faults sets and clears standing faults', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-f' });
    const accessToken = await token();
    expect(await control('faults', { busyRate: 1 })).toEqual({ status: 200, body: { ok: true } });
    expect(await lookupErrcode(accessToken, payment)).toBe(-1);
    await control('faults', {});
    expect(await lookupErrcode(accessToken, payment)).toBe(0);
  });

  it('POST fail-next and fail-next-token queue faults', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-q' });
    await control('fail-next-token', { kinds: [{ errcode: 45009 }] });
    const refused = await fetch(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
    );
    expect(((await refused.json()) as Json).errcode).toBe(45009);

    const accessToken = await token();
    expect(await control('fail-next', { kinds: ['busy', { errcode: 40001 }] })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await lookupErrcode(accessToken, payment)).toBe(-1);
    expect(await lookupErrcode(accessToken, payment)).toBe(40001);
    expect(await lookupErrcode(accessToken, payment)).toBe(0);
  });

  it('POST revoke-tokens invalidates every issued token', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-r' });
    const accessToken = await token();
    await control('revoke-tokens', '');
    expect(await lookupErrcode(accessToken, payment)).toBe(40001);
  });

  it('POST clock advances or sets the sandbox clock', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-t' });
    const accessToken = await token();
    const start = sandbox.clock.now();
    expect(await control('clock', { advanceMs: 5 * 60_000 + 1 })).toEqual({
      status: 200,
      body: { now: start + 5 * 60_000 + 1 },
    });
    expect(await lookupErrcode(accessToken, payment)).toBe(89300);
    expect(await control('clock', { set: start })).toEqual({ status: 200, body: { now: start } });
    expect(sandbox.clock.now()).toBe(start);
    expect(await control('clock')).toEqual({ status: 200, body: { now: start } });
  });

  it('GET counters and POST reset-counters', async () => {
    await token();
    const counters = await control('counters');
    expect(counters).toEqual({ status: 200, body: sandbox.counters() });
    expect((counters.body as Json).tokenCalls).toMatchObject({ classic: 1, total: 1 });
    await control('reset-counters', {});
    expect(sandbox.counters().tokenCalls.total).toBe(0);
  });

  it('POST apps adds an app without echoing its secret', async () => {
    const added = { appId: 'wx00000000000000d2', secret: 'secret-d2-never-echoed' };
    const answer = await control('apps', added);
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(await token(added)).toEqual(expect.any(String));
  });

  it('answers 400 with a reason for invalid input, never echoing a secret', async () => {
    const cases: Array<[string, unknown]> = [
      ['payments', { unionid: 'u' }],
      ['payments', 'not json'],
      ['faults', { busyRate: 2 }],
      ['fail-next', { kinds: ['slow'] }],
      ['clock', { advanceMs: -1 }],
      ['clock', { advanceMs: 1, set: 2 }],
      ['apps', { appId: 'wx', secret: 'secret-in-bad-input', extra: 1 }],
    ];
    for (const [path, body] of cases) {
      const answer = await control(path, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.any(String) });
      expect(JSON.stringify(answer.body)).not.toContain('secret-in-bad-input');
    }
  });

  it('registers none of a batch when one item is invalid', async () => {
    const answer = await control('payments', [
      { openid: 'o-ok', transactionId: 'tx-batch' },
      { unionid: 'no-openid' },
    ]);
    expect(answer).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/payments\[1\]/) },
    });
    expect(sandbox.registerPayment({ openid: 'o-ok', transactionId: 'tx-batch' }).openid).toBe(
      'o-ok',
    );
  });

  it('answers 404 for unknown control routes and 405 for wrong methods', async () => {
    expect((await control('nope')).status).toBe(404);
    expect((await control('counters', {})).status).toBe(405);
    expect((await control('payments')).status).toBe(405);
  });

  it('is never faulted', async () => {
    sandbox.setFaults({ busyRate: 1, http5xxRate: 0, hang: true, delayMs: 60_000 });
    sandbox.failNext('reset');
    expect((await control('counters')).status).toBe(200);
    expect((await control('payments', { openid: 'o-nf' })).status).toBe(200);
  });
});
