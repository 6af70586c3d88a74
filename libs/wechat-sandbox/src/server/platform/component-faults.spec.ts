import { WechatSandbox } from '../wechat-sandbox.server';

const COMPONENT = {
  componentAppId: 'wxc0000000000000c1',
  componentSecret: 'component-secret-c1',
  token: 'pushTokenC1',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const APP = { appId: 'wx00000000000000c0', secret: 'secret-c0' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

type Outcome =
  | { kind: 'json'; status: number; body: Record<string, unknown> }
  | { kind: 'text'; status: number; text: string }
  | { kind: 'failed' };

/** The JSON body of an outcome that must be JSON. */
function jsonOf(outcome: Outcome): Record<string, unknown> {
  if (outcome.kind !== 'json') throw new Error(`expected JSON, got ${outcome.kind}`);
  return outcome.body;
}

async function call(url: string, init?: RequestInit): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return { kind: 'failed' };
  }
  const text = await res.text();
  try {
    return { kind: 'json', status: res.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { kind: 'text', status: res.status, text };
  }
}

describe('WechatSandbox third-party platform faults and counters', () => {
  let sandbox: WechatSandbox;
  let ticket: string;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], components: [COMPONENT], seed: 3 });
    ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const tokenCall = (): Promise<Outcome> =>
    call(`${sandbox.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: COMPONENT.componentAppId,
        component_appsecret: COMPONENT.componentSecret,
        component_verify_ticket: ticket,
      }),
    });

  const ok = { kind: 'json', status: 200, body: expect.objectContaining({ expires_in: 7200 }) };

  it('failNextComponent queues busy, http5xx, reset and errcodes, one per call', async () => {
    sandbox.failNextComponent(
      'busy',
      'http5xx',
      'reset',
      { errcode: 45009 },
      { errcode: 61004, errmsg: 'ip' },
    );
    expect(await tokenCall()).toEqual({
      kind: 'json',
      status: 200,
      body: { errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) },
    });
    const bad = await tokenCall();
    expect(bad).toMatchObject({ kind: 'text', status: 502 });
    expect(await tokenCall()).toEqual({ kind: 'failed' });
    expect(await tokenCall()).toMatchObject({
      body: { errcode: 45009, errmsg: expect.stringMatching(RID) },
    });
    expect(await tokenCall()).toMatchObject({
      body: { errcode: 61004, errmsg: expect.stringMatching(/^ip rid: /) },
    });
    expect(await tokenCall()).toEqual(ok);
    expect(sandbox.counters().componentTokenFetches).toBe(6);
  });

  it('a queued hang is never answered; stop() closes it', async () => {
    sandbox.failNextComponent('hang');
    const pending = tokenCall();
    for (let i = 0; i < 1000 && sandbox.counters().componentTokenFetches === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sandbox.counters().componentTokenFetches).toBe(1);
    await sandbox.stop();
    expect(await pending).toEqual({ kind: 'failed' });
  });

  it('componentError answers every component call until cleared; componentDelayMs delays them', async () => {
    sandbox.setFaults({ componentError: { errcode: 45009 } });
    expect(await tokenCall()).toMatchObject({ body: { errcode: 45009 } });
    expect(await tokenCall()).toMatchObject({ body: { errcode: 45009 } });
    sandbox.setFaults({ componentDelayMs: 60 });
    const started = Date.now();
    expect(await tokenCall()).toEqual(ok);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    sandbox.setFaults({});
    expect(await tokenCall()).toEqual(ok);
  });

  it('component faults and the other fault queues do not mix', async () => {
    sandbox.failNextToken('busy');
    sandbox.failNext('busy');
    expect(await tokenCall()).toEqual(ok);
    sandbox.setFaults({ busyRate: 1, tokenError: { errcode: 45009 }, hang: true });
    expect(await tokenCall()).toEqual(ok);
    sandbox.setFaults({});
    sandbox.failNextComponent({ errcode: 45009 });
    const classic = await call(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
    );
    // The queued failNextToken('busy') is consumed here, not the component fault.
    expect(classic).toMatchObject({ body: { errcode: -1 } });
    expect(await tokenCall()).toMatchObject({ body: { errcode: 45009 } });
  });

  it('every component endpoint obeys the queue and is counted, faulted calls included', async () => {
    const answer = await tokenCall();
    const token = jsonOf(answer).component_access_token as string;
    const endpoints = [
      'api_component_token',
      'api_create_preauthcode',
      'api_query_auth',
      'api_authorizer_token',
      'api_get_authorizer_list',
    ];
    for (const endpoint of endpoints) {
      sandbox.failNextComponent('busy');
      const outcome = await call(
        `${sandbox.url}/cgi-bin/component/${endpoint}?component_access_token=${token}`,
        { method: 'POST', body: '{}' },
      );
      expect([endpoint, outcome]).toEqual([
        endpoint,
        expect.objectContaining({ body: expect.objectContaining({ errcode: -1 }) }),
      ]);
    }
    expect(sandbox.counters()).toMatchObject({
      componentTokenFetches: 2,
      preAuthCodes: 1,
      queryAuth: 1,
      authorizerTokenFetches: 1,
      authorizerListCalls: 1,
      componentPushes: 0,
      tokenCalls: { total: 0 },
      lookups: 0,
    });
    sandbox.resetCounters();
    expect(sandbox.counters()).toMatchObject({ componentTokenFetches: 0, preAuthCodes: 0 });
  });

  it('getpaidunionid faults apply to calls with an authorizer token as well', async () => {
    const { authorizationCode } = await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: 'wx10000000000000c1',
    });
    const answer = await tokenCall();
    const token = jsonOf(answer).component_access_token as string;
    const exchanged = await call(
      `${sandbox.url}/cgi-bin/component/api_query_auth?component_access_token=${token}`,
      {
        method: 'POST',
        body: JSON.stringify({
          component_appid: COMPONENT.componentAppId,
          authorization_code: authorizationCode,
        }),
      },
    );
    const info = jsonOf(exchanged).authorization_info as Record<string, string>;
    const payment = sandbox.registerPayment({ openid: 'o-fault', appId: 'wx10000000000000c1' });
    const lookupUrl = `${sandbox.url}/wxa/getpaidunionid?access_token=${info.authorizer_access_token}&openid=o-fault&transaction_id=${payment.transactionId}`;
    sandbox.failNext('busy', { errcode: 40001 });
    expect(await call(lookupUrl)).toMatchObject({ body: { errcode: -1 } });
    expect(await call(lookupUrl)).toMatchObject({ body: { errcode: 40001 } });
    expect(await call(lookupUrl)).toMatchObject({ body: { errcode: 0, unionid: payment.unionid } });
  });
});
