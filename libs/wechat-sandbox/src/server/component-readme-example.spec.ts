// Copied verbatim into libs/wechat-sandbox/README.md (there imported from '@app/wechat-sandbox').
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WechatSandbox, openComponentPush, readComponentXmlField } from '.';

const COMPONENT = {
  componentAppId: 'wxcomponent0000001',
  componentSecret: 'component-secret',
  token: 'pushToken',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const MINI_PROGRAM = 'wxminiprogram00001';

describe('getpaidunionid through a third-party platform', () => {
  let sandbox: WechatSandbox;
  let eventUrl: string;
  const pushes: string[] = []; // decrypted XML of every push received

  // The platform's authorisation-event URL: check msg_signature, decrypt, answer "success".
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
      try {
        pushes.push(openComponentPush({ ...COMPONENT, query, body }).message);
        res.end('success');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  const lastPush = (field: string) => readComponentXmlField(pushes[pushes.length - 1], field);

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    eventUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
  });
  afterAll(() => receiver.close());

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ components: [COMPONENT] });
  });
  afterEach(() => sandbox.stop());

  const post = async <T>(api: string, body: object, token?: string): Promise<T> => {
    const query = token ? `?component_access_token=${token}` : '';
    const res = await fetch(`${sandbox.url}/cgi-bin/component/${api}${query}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    return (await res.json()) as T;
  };

  it('ticket, component token, authorisation, authorizer token, unionid', async () => {
    // 1. WeChat pushes a component_verify_ticket (every 10 minutes in production).
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, eventUrl);
    const ticket = lastPush('ComponentVerifyTicket');

    // 2. The platform mints its component_access_token with it.
    const { component_access_token } = await post<{ component_access_token: string }>(
      'api_component_token',
      {
        component_appid: COMPONENT.componentAppId,
        component_appsecret: COMPONENT.componentSecret,
        component_verify_ticket: ticket,
      },
    );

    // 3. A mini program authorises the platform (permission set 18): an `authorized` push.
    await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MINI_PROGRAM,
      funcIds: [18],
      url: eventUrl,
    });
    expect(lastPush('InfoType')).toBe('authorized');

    // 4. The code becomes a refresh token...
    const { authorization_info } = await post<{
      authorization_info: { authorizer_refresh_token: string };
    }>(
      'api_query_auth',
      {
        component_appid: COMPONENT.componentAppId,
        authorization_code: lastPush('AuthorizationCode'),
      },
      component_access_token,
    );
    const { authorizer_refresh_token } = authorization_info;

    // 5. ...which gets an authorizer_access_token whenever one is needed.
    const { authorizer_access_token } = await post<{ authorizer_access_token: string }>(
      'api_authorizer_token',
      {
        component_appid: COMPONENT.componentAppId,
        authorizer_appid: MINI_PROGRAM,
        authorizer_refresh_token,
      },
      component_access_token,
    );

    // 6. getpaidunionid on behalf of the mini program.
    const payment = sandbox.registerPayment({ openid: 'o-payer', appId: MINI_PROGRAM });
    const query = new URLSearchParams({
      access_token: authorizer_access_token,
      openid: 'o-payer',
      transaction_id: payment.transactionId,
    });
    const lookup = await fetch(`${sandbox.url}/wxa/getpaidunionid?${query}`);
    expect(await lookup.json()).toEqual({ unionid: payment.unionid, errcode: 0, errmsg: 'ok' });
    expect(sandbox.counters()).toMatchObject({
      componentPushes: 2,
      componentTokenFetches: 1,
      queryAuth: 1,
      authorizerTokenFetches: 1,
    });
  });
});
