import { SandboxInputError } from './errors';
import { WechatSandbox } from './wechat-sandbox.server';

const APP = { appId: 'wx00000000000000b1', secret: 'secret-b1' };
const OTHER_APP = { appId: 'wx00000000000000b2', secret: 'secret-b2' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
const MINUTE = 60_000;

type Json = Record<string, unknown>;

async function tokenFor(sandbox: WechatSandbox, app: { appId: string; secret: string }) {
  const query = new URLSearchParams({
    grant_type: 'client_credential',
    appid: app.appId,
    secret: app.secret,
  });
  const res = await fetch(`${sandbox.url}/cgi-bin/token?${query}`);
  return ((await res.json()) as Json).access_token as string;
}

async function lookup(sandbox: WechatSandbox, params: Record<string, string>): Promise<Json> {
  const res = await fetch(`${sandbox.url}/wxa/getpaidunionid?${new URLSearchParams(params)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Json;
}

describe('WechatSandbox GET /wxa/getpaidunionid', () => {
  let sandbox: WechatSandbox;
  let token: string;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({
      apps: [APP, OTHER_APP],
      startTime: Date.UTC(2025, 5, 1),
    });
    token = await tokenFor(sandbox, APP);
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('answers the unionid for a payment looked up by transaction_id', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-payer-1', unionid: 'oUnion-1' });
    const answer = await lookup(sandbox, {
      access_token: token,
      openid: 'o-payer-1',
      transaction_id: payment.transactionId,
    });
    expect(answer).toEqual({ unionid: 'oUnion-1', errcode: 0, errmsg: 'ok' });
  });

  it('answers the unionid for a payment looked up by mch_id + out_trade_no', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-payer-2', outTradeNo: 'order-2' });
    expect(payment.mchId).toBe('1900000001');
    const answer = await lookup(sandbox, {
      access_token: token,
      openid: 'o-payer-2',
      mch_id: '1900000001',
      out_trade_no: 'order-2',
    });
    expect(answer).toEqual({ unionid: payment.unionid, errcode: 0, errmsg: 'ok' });
    expect(sandbox.counters().successfulLookupsByTransaction).toEqual({
      [payment.transactionId]: 1,
    });
  });

  it('fills payment defaults: a 28-digit transaction id, the first app, a unionid stable per openid', () => {
    const one = sandbox.registerPayment({ openid: 'o-same' });
    const two = sandbox.registerPayment({ openid: 'o-same' });
    const other = sandbox.registerPayment({ openid: 'o-other' });
    expect(one.transactionId).toMatch(/^\d{28}$/);
    expect(two.transactionId).not.toBe(one.transactionId);
    expect(two.outTradeNo).not.toBe(one.outTradeNo);
    expect(one.appId).toBe(APP.appId);
    expect(one.paidAt).toBe(sandbox.clock.now());
    expect(two.unionid).toBe(one.unionid);
    expect(other.unionid).not.toBe(one.unionid);
  });

  it('rejects a second payment with the same transaction id or out_trade_no', () => {
    sandbox.registerPayment({ openid: 'o-1', transactionId: 't-1', outTradeNo: 'n-1' });
    expect(() => sandbox.registerPayment({ openid: 'o-2', transactionId: 't-1' })).toThrow(
      SandboxInputError,
    );
    expect(() => sandbox.registerPayment({ openid: 'o-2', outTradeNo: 'n-1' })).toThrow(
      SandboxInputError,
    );
    expect(() => sandbox.registerPayment({ openid: '' })).toThrow(SandboxInputError);
  });

  it('answers 41001 without access_token (no cloud mode)', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-p' });
    const answer = await lookup(sandbox, { openid: 'o-p', transaction_id: payment.transactionId });
    expect(answer.errcode).toBe(41001);
    expect(answer.errmsg).toMatch(new RegExp(`^access_token missing${RID.source}`));
  });

  it('answers 40001 for an unknown token', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-p' });
    const answer = await lookup(sandbox, {
      access_token: 'not-a-token',
      openid: 'o-p',
      transaction_id: payment.transactionId,
    });
    expect(answer.errcode).toBe(40001);
    expect(answer.errmsg).toMatch(/^invalid credential, access_token is invalid or not latest/);
    expect(answer.errmsg).toMatch(RID);
  });

  it.each([
    ['a missing openid', { transaction_id: 'tx-sel' }],
    [
      'both selectors',
      { openid: 'o-sel', transaction_id: 'tx-sel', mch_id: '1900000001', out_trade_no: 'out-sel' },
    ],
    ['no selector', { openid: 'o-sel' }],
    ['mch_id without out_trade_no', { openid: 'o-sel', mch_id: '1900000001' }],
    ['out_trade_no without mch_id', { openid: 'o-sel', out_trade_no: 'out-sel' }],
  ])('answers 47001 for %s', async (_case, params) => {
    sandbox.registerPayment({ openid: 'o-sel', transactionId: 'tx-sel', outTradeNo: 'out-sel' });
    const answer = await lookup(sandbox, { access_token: token, ...params });
    expect(answer.errcode).toBe(47001);
    expect(answer.errmsg).toMatch(new RegExp(`^data format error${RID.source}`));
  });

  it('answers 89300 for an unknown payment and 40003 for another openid', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-right' });
    const unknown = await lookup(sandbox, {
      access_token: token,
      openid: 'o-right',
      transaction_id: '4200000000000000000000000000',
    });
    expect(unknown.errcode).toBe(89300);
    expect(unknown.errmsg).toMatch(new RegExp(`^invalid trade${RID.source}`));

    const wrongOpenid = await lookup(sandbox, {
      access_token: token,
      openid: 'o-wrong',
      transaction_id: payment.transactionId,
    });
    expect(wrongOpenid.errcode).toBe(40003);
    expect(wrongOpenid.errmsg).toMatch(new RegExp(`^invalid openid${RID.source}`));
  });

  it("answers 89300 when the token's app is not the payment's app", async () => {
    const payment = sandbox.registerPayment({ openid: 'o-x', appId: OTHER_APP.appId });
    const query = { openid: 'o-x', transaction_id: payment.transactionId };
    expect((await lookup(sandbox, { access_token: token, ...query })).errcode).toBe(89300);
    const otherToken = await tokenFor(sandbox, OTHER_APP);
    expect((await lookup(sandbox, { access_token: otherToken, ...query })).errcode).toBe(0);
  });

  it('answers 89002 while the app is not bound to an Open Platform account', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-y' });
    const query = { access_token: token, openid: 'o-y', transaction_id: payment.transactionId };

    sandbox.addApp({ ...APP, openPlatformBound: false });
    const unbound = await lookup(sandbox, query);
    expect(unbound.errcode).toBe(89002);
    expect(unbound.errmsg).toMatch(new RegExp(`^open not exists${RID.source}`));

    sandbox.addApp({ ...APP, openPlatformBound: true });
    expect((await lookup(sandbox, query)).errcode).toBe(0);
  });

  it('only answers within 5 minutes of payment (sandbox clock)', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-w' });
    const query = { access_token: token, openid: 'o-w', transaction_id: payment.transactionId };
    sandbox.clock.advance(5 * MINUTE);
    expect((await lookup(sandbox, query)).errcode).toBe(0);
    sandbox.clock.advance(1);
    expect((await lookup(sandbox, query)).errcode).toBe(89300);
  });

  it('honours paidAt in the past', async () => {
    const payment = sandbox.registerPayment({
      openid: 'o-old',
      paidAt: sandbox.clock.now() - 6 * MINUTE,
    });
    const query = { access_token: token, openid: 'o-old', transaction_id: payment.transactionId };
    expect((await lookup(sandbox, query)).errcode).toBe(89300);
  });

  it('decodes query values properly (| * space + % and non-ASCII in out_trade_no)', async () => {
    const outTradeNo = 'A|B*C D+E%F/中';
    const payment = sandbox.registerPayment({ openid: 'o+slash/=', outTradeNo });
    const answer = await lookup(sandbox, {
      access_token: token,
      openid: 'o+slash/=',
      mch_id: payment.mchId,
      out_trade_no: outTradeNo,
    });
    expect(answer).toEqual({ unionid: payment.unionid, errcode: 0, errmsg: 'ok' });

    const [record] = sandbox.requests().filter((r) => r.path === '/wxa/getpaidunionid');
    expect(record.query.out_trade_no).toBe(outTradeNo);
    expect(record.rawQuery).toContain('out_trade_no=A%7CB*C+D%2BE%25F%2F%E4%B8%AD');
  });

  it('treats an unencoded + as a space, like form decoding does', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-plus', outTradeNo: 'a+b' });
    const res = await fetch(
      `${sandbox.url}/wxa/getpaidunionid?access_token=${token}&openid=o-plus&mch_id=${payment.mchId}&out_trade_no=a+b`,
    );
    expect(((await res.json()) as Json).errcode).toBe(89300);
    expect(sandbox.counters().lookupsByTransaction).toEqual({ [`${payment.mchId}:a b`]: 1 });
  });

  it('counts lookups per transaction, resolving out_trade_no to the transaction id', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-c', outTradeNo: 'order-c' });
    await lookup(sandbox, {
      access_token: token,
      openid: 'o-c',
      transaction_id: payment.transactionId,
    });
    await lookup(sandbox, {
      access_token: token,
      openid: 'o-wrong',
      mch_id: payment.mchId,
      out_trade_no: 'order-c',
    });
    await lookup(sandbox, {
      access_token: token,
      openid: 'o-c',
      mch_id: '1900000009',
      out_trade_no: 'nope',
    });
    expect(sandbox.counters()).toEqual({
      tokenCalls: { classic: 1, stable: 0, stableForceRefresh: 0, total: 1 },
      lookups: 3,
      lookupsByTransaction: { [payment.transactionId]: 2, '1900000009:nope': 1 },
      successfulLookupsByTransaction: { [payment.transactionId]: 1 },
      componentTokenFetches: 0,
      preAuthCodes: 0,
      queryAuth: 0,
      authorizerTokenFetches: 0,
      authorizerListCalls: 0,
      componentPushes: 0,
    });

    sandbox.resetCounters();
    expect(sandbox.counters()).toEqual({
      tokenCalls: { classic: 0, stable: 0, stableForceRefresh: 0, total: 0 },
      lookups: 0,
      lookupsByTransaction: {},
      successfulLookupsByTransaction: {},
      componentTokenFetches: 0,
      preAuthCodes: 0,
      queryAuth: 0,
      authorizerTokenFetches: 0,
      authorizerListCalls: 0,
      componentPushes: 0,
    });
  });

  it('records every request in order', async () => {
    await fetch(`${sandbox.url}/nowhere?x=1`);
    const res = await fetch(`${sandbox.url}/wxa/getpaidunionid?access_token=${token}&openid=o`);
    await res.json();
    const records = sandbox.requests();
    expect(records.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /cgi-bin/token',
      'GET /nowhere',
      'GET /wxa/getpaidunionid',
    ]);
    expect(records[2]).toEqual({
      method: 'GET',
      path: '/wxa/getpaidunionid',
      query: { access_token: token, openid: 'o' },
      rawQuery: `access_token=${token}&openid=o`,
      body: '',
      at: sandbox.clock.now(),
    });
  });

  it('answers unknown paths with HTTP 404 JSON', async () => {
    const res = await fetch(`${sandbox.url}/cgi-bin/unknown`);
    expect(res.status).toBe(404);
    const answer = (await res.json()) as Json;
    expect(answer.errcode).toBe(-1);
    expect(answer.errmsg).toMatch(new RegExp(`^not found${RID.source}`));
  });
});

describe('WechatSandbox Cloud Hosting mode', () => {
  let sandbox: WechatSandbox;

  afterEach(async () => {
    await sandbox.stop();
  });

  it('accepts a call without access_token as the cloud app', async () => {
    sandbox = await WechatSandbox.start({ cloud: { appId: 'wxcloud000000001' } });
    const payment = sandbox.registerPayment({ openid: 'o-cloud' });
    expect(payment.appId).toBe('wxcloud000000001');
    const answer = await lookup(sandbox, {
      openid: 'o-cloud',
      transaction_id: payment.transactionId,
    });
    expect(answer).toEqual({ unionid: payment.unionid, errcode: 0, errmsg: 'ok' });
  });

  it('still checks the app, and still checks a token that is sent', async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], cloud: { appId: 'wxcloud000000001' } });
    const ofApp = sandbox.registerPayment({ openid: 'o-a' });
    expect(ofApp.appId).toBe(APP.appId);
    const query = { openid: 'o-a', transaction_id: ofApp.transactionId };
    expect((await lookup(sandbox, query)).errcode).toBe(89300);
    expect((await lookup(sandbox, { access_token: 'stale', ...query })).errcode).toBe(40001);
    const token = await tokenFor(sandbox, APP);
    expect((await lookup(sandbox, { access_token: token, ...query })).errcode).toBe(0);
  });
});
