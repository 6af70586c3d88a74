import type { SandboxPayment } from '../interfaces';
import { WechatSandbox } from '../wechat-sandbox.server';

const COMPONENT = {
  componentAppId: 'wxc0000000000000b1',
  componentSecret: 'component-secret-b1',
  token: 'pushTokenB1',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const OTHER_COMPONENT = {
  ...COMPONENT,
  componentAppId: 'wxc0000000000000b2',
  componentSecret: 'component-secret-b2',
};
const APP = { appId: 'wx00000000000000b0', secret: 'mini-program-secret-b0' };
const MERCHANT = 'wx10000000000000b1';
const SECOND = 'wx10000000000000b2';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

type Json = Record<string, unknown>;

describe('WechatSandbox third-party platform endpoints', () => {
  let sandbox: WechatSandbox;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({
      apps: [APP],
      components: [COMPONENT, OTHER_COMPONENT],
      startTime: Date.UTC(2025, 6, 1),
    });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  async function post(
    endpoint: string,
    body: unknown,
    query: Record<string, string> = {},
    method = 'POST',
  ): Promise<Json> {
    const res = await fetch(
      `${sandbox.url}/cgi-bin/component/${endpoint}?${new URLSearchParams(query)}`,
      {
        method,
        body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Json;
  }

  async function errcodeOf(answer: Promise<Json>): Promise<unknown> {
    const body = await answer;
    if (body.errcode !== undefined) expect(body.errmsg).toMatch(RID);
    return body.errcode;
  }

  const tokenBody = (ticket: string, component = COMPONENT): Json => ({
    component_appid: component.componentAppId,
    component_appsecret: component.componentSecret,
    component_verify_ticket: ticket,
  });

  async function componentToken(component = COMPONENT): Promise<string> {
    const ticket = sandbox.issueComponentTicket(component.componentAppId);
    const answer = await post('api_component_token', tokenBody(ticket, component));
    return answer.component_access_token as string;
  }

  const as = (token: string) => ({ component_access_token: token });

  async function authorised(authorizerAppId = MERCHANT, funcIds = [18]): Promise<string> {
    const result = await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId,
      funcIds,
    });
    return result.authorizationCode;
  }

  async function queryAuth(token: string, code: string): Promise<Json> {
    return post(
      'api_query_auth',
      { component_appid: COMPONENT.componentAppId, authorization_code: code },
      as(token),
    );
  }

  /** Authorises, exchanges the code: the component token and authorization_info. */
  async function exchanged(
    authorizerAppId = MERCHANT,
    funcIds = [18],
  ): Promise<{ token: string; info: Json }> {
    const token = await componentToken();
    const code = await authorised(authorizerAppId, funcIds);
    const answer = await queryAuth(token, code);
    return { token, info: answer.authorization_info as Json };
  }

  async function refresh(token: string, refreshToken: unknown, authorizerAppId = MERCHANT) {
    return post(
      'api_authorizer_token',
      {
        component_appid: COMPONENT.componentAppId,
        authorizer_appid: authorizerAppId,
        authorizer_refresh_token: refreshToken,
      },
      as(token),
    );
  }

  async function lookup(accessToken: string, payment: SandboxPayment): Promise<Json> {
    const query = new URLSearchParams({
      access_token: accessToken,
      openid: payment.openid,
      transaction_id: payment.transactionId,
    });
    return (await (await fetch(`${sandbox.url}/wxa/getpaidunionid?${query}`)).json()) as Json;
  }

  describe('POST /cgi-bin/component/api_component_token', () => {
    it('answers a new component_access_token for a pushed ticket on every call', async () => {
      const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
      const first = await post('api_component_token', tokenBody(ticket));
      expect(first).toEqual({
        component_access_token: expect.stringMatching(/^sbx_/),
        expires_in: 7200,
      });
      const second = await post('api_component_token', tokenBody(ticket));
      expect(second.component_access_token).not.toBe(first.component_access_token);
      // Both work until their own expiry.
      for (const answer of [first, second]) {
        const preAuth = await post(
          'api_create_preauthcode',
          { component_appid: COMPONENT.componentAppId },
          as(answer.component_access_token as string),
        );
        expect(preAuth).toEqual({
          pre_auth_code: expect.stringMatching(/^preauthcode@@@/),
          expires_in: 600,
        });
      }
      expect(sandbox.counters().componentTokenFetches).toBe(2);
    });

    it('answers each credential error in order', async () => {
      const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
      const cases: Array<[unknown, number]> = [
        ['not json', 47001],
        [[tokenBody(ticket)], 47001],
        [{ ...tokenBody(ticket), component_appsecret: 7 }, 47001],
        [{ ...tokenBody(ticket), component_appid: '' }, 41002],
        [{ ...tokenBody(ticket), component_appsecret: undefined }, 41004],
        [{ ...tokenBody(ticket), component_appid: 'wxnobody' }, 40013],
        [{ ...tokenBody(ticket), component_appid: APP.appId }, 61011],
        [{ ...tokenBody(ticket), component_appsecret: 'wrong' }, 40125],
        [{ ...tokenBody(ticket), component_verify_ticket: 'ticket@@@forged' }, 61006],
        [{ ...tokenBody(ticket), component_verify_ticket: undefined }, 61006],
        [tokenBody(ticket, OTHER_COMPONENT), 61006], // another platform's ticket
      ];
      for (const [body, errcode] of cases) {
        expect([body, await errcodeOf(post('api_component_token', body))]).toEqual([body, errcode]);
      }
      expect(await errcodeOf(post('api_component_token', tokenBody(ticket), {}, 'GET'))).toBe(
        43002,
      );
    });

    it('refuses a ticket 12 hours after it was pushed (61005)', async () => {
      const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
      sandbox.clock.advance(12 * HOUR - 1);
      expect(await post('api_component_token', tokenBody(ticket))).toMatchObject({
        expires_in: 7200,
      });
      sandbox.clock.advance(1);
      expect(await errcodeOf(post('api_component_token', tokenBody(ticket)))).toBe(61005);
      const fresh = sandbox.issueComponentTicket(COMPONENT.componentAppId);
      expect(await post('api_component_token', tokenBody(fresh))).toMatchObject({
        expires_in: 7200,
      });
    });

    it('follows tokenTtlSeconds for component and authorizer tokens', async () => {
      await sandbox.stop();
      sandbox = await WechatSandbox.start({ components: [COMPONENT], tokenTtlSeconds: 60 });
      const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
      const answer = await post('api_component_token', tokenBody(ticket));
      expect(answer.expires_in).toBe(60);
      const info = (await queryAuth(answer.component_access_token as string, await authorised()))
        .authorization_info as Json;
      expect(info.expires_in).toBe(60);
    });

    it('a component appid on /cgi-bin/token or /cgi-bin/stable_token answers 61024', async () => {
      const credentials = {
        grant_type: 'client_credential',
        appid: COMPONENT.componentAppId,
        secret: COMPONENT.componentSecret,
      };
      const classic = await fetch(
        `${sandbox.url}/cgi-bin/token?${new URLSearchParams(credentials)}`,
      );
      expect(((await classic.json()) as Json).errcode).toBe(61024);
      const stable = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
        method: 'POST',
        body: JSON.stringify(credentials),
      });
      expect(((await stable.json()) as Json).errcode).toBe(61024);
      const unknown = await fetch(
        `${sandbox.url}/cgi-bin/token?${new URLSearchParams({ ...credentials, appid: 'wxnobody' })}`,
      );
      expect(((await unknown.json()) as Json).errcode).toBe(40013);
    });
  });

  describe('the component_access_token on the other endpoints', () => {
    const preAuth = (
      query: Record<string, string>,
      body: unknown = { component_appid: COMPONENT.componentAppId },
    ) => errcodeOf(post('api_create_preauthcode', body, query));

    it('is read from component_access_token or access_token', async () => {
      const token = await componentToken();
      expect(await preAuth({ component_access_token: token })).toBeUndefined();
      expect(await preAuth({ access_token: token })).toBeUndefined();
      expect(sandbox.counters().preAuthCodes).toBe(2);
    });

    it('answers 41001 missing, 40001 unknown, 42001 expired, 61014 for a mini program token, 61011 for another platform', async () => {
      const token = await componentToken();
      expect(await preAuth({})).toBe(41001);
      expect(await preAuth(as('sbx_unknown'))).toBe(40001);
      const miniProgram = await fetch(
        `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
      );
      const miniProgramToken = ((await miniProgram.json()) as Json).access_token as string;
      expect(await preAuth(as(miniProgramToken))).toBe(61014);
      const { info } = await exchanged();
      expect(await preAuth(as(info.authorizer_access_token as string))).toBe(61014);
      expect(await preAuth(as(token), { component_appid: OTHER_COMPONENT.componentAppId })).toBe(
        61011,
      );
      expect(await preAuth(as(token), {})).toBe(41002);
      expect(await preAuth(as(token), 'not json')).toBe(47001);
      expect(await errcodeOf(post('api_create_preauthcode', {}, as(token), 'GET'))).toBe(43002);
      sandbox.clock.advance(2 * HOUR);
      expect(await preAuth(as(token))).toBe(42001);
    });

    it('revokeAllTokens kills component and authorizer tokens, not refresh tokens', async () => {
      const { token, info } = await exchanged();
      const payment = sandbox.registerPayment({ openid: 'o-revoke-all', appId: MERCHANT });
      sandbox.revokeAllTokens();
      expect(await preAuth(as(token))).toBe(40001);
      expect((await lookup(info.authorizer_access_token as string, payment)).errcode).toBe(40001);
      const fresh = await componentToken();
      const renewed = await refresh(fresh, info.authorizer_refresh_token);
      expect((await lookup(renewed.authorizer_access_token as string, payment)).errcode).toBe(0);
    });
  });

  describe('POST /cgi-bin/component/api_query_auth', () => {
    it('exchanges an authorisation code for authorization_info', async () => {
      const token = await componentToken();
      const code = await authorised(MERCHANT, [1, 18]);
      expect(await queryAuth(token, code)).toEqual({
        authorization_info: {
          authorizer_appid: MERCHANT,
          authorizer_access_token: expect.stringMatching(/^sbx_/),
          expires_in: 7200,
          authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/),
          func_info: [{ funcscope_category: { id: 1 } }, { funcscope_category: { id: 18 } }],
        },
      });
      expect(sandbox.counters().queryAuth).toBe(1);
    });

    it('a code works once (61009 after) and for 10 minutes (61010 after)', async () => {
      const token = await componentToken();
      const code = await authorised();
      sandbox.clock.advance(10 * MINUTE - 1);
      expect(await queryAuth(token, code)).toHaveProperty('authorization_info');
      expect(await errcodeOf(queryAuth(token, code))).toBe(61009);

      const { authorizationCode: late } = await sandbox.updateComponentAuthorization({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      });
      sandbox.clock.advance(10 * MINUTE);
      expect(await errcodeOf(queryAuth(token, late))).toBe(61010);
    });

    it('answers 61009 for an unknown, missing, revoked or other platform code', async () => {
      const token = await componentToken();
      expect(await errcodeOf(queryAuth(token, 'queryauthcode@@@forged'))).toBe(61009);
      expect(
        await errcodeOf(
          post('api_query_auth', { component_appid: COMPONENT.componentAppId }, as(token)),
        ),
      ).toBe(61009);
      const revoked = await authorised();
      await sandbox.unauthorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      });
      expect(await errcodeOf(queryAuth(token, revoked))).toBe(61009);

      const other = await sandbox.authorizeComponent({
        componentAppId: OTHER_COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      });
      expect(await errcodeOf(queryAuth(token, other.authorizationCode))).toBe(61009);
    });

    it('keeps the refresh token when an update is exchanged', async () => {
      const { token, info } = await exchanged();
      const update = await sandbox.updateComponentAuthorization({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
        funcIds: [17],
      });
      const updated = (await queryAuth(token, update.authorizationCode)).authorization_info as Json;
      expect(updated.authorizer_refresh_token).toBe(info.authorizer_refresh_token);
      expect(updated.func_info).toEqual([{ funcscope_category: { id: 17 } }]);
    });
  });

  describe('POST /cgi-bin/component/api_authorizer_token', () => {
    it('answers a new authorizer token and the same refresh token', async () => {
      const { token, info } = await exchanged();
      const answer = await refresh(token, info.authorizer_refresh_token);
      expect(answer).toEqual({
        authorizer_access_token: expect.stringMatching(/^sbx_/),
        expires_in: 7200,
        authorizer_refresh_token: info.authorizer_refresh_token,
      });
      expect(answer.authorizer_access_token).not.toBe(info.authorizer_access_token);
      // The earlier authorizer token keeps working until its own expiry.
      const payment = sandbox.registerPayment({ openid: 'o-both', appId: MERCHANT });
      expect((await lookup(info.authorizer_access_token as string, payment)).errcode).toBe(0);
      expect((await lookup(answer.authorizer_access_token as string, payment)).errcode).toBe(0);
      expect(sandbox.counters().authorizerTokenFetches).toBe(1);
    });

    it('answers 61023 for a wrong or never-minted refresh token, 61003 when not authorised', async () => {
      const { token, info } = await exchanged();
      expect(await errcodeOf(refresh(token, 'refreshtoken@@@forged'))).toBe(61023);
      expect(await errcodeOf(refresh(token, undefined))).toBe(61023);
      expect(await errcodeOf(refresh(token, 7))).toBe(47001);
      await authorised(SECOND); // authorised, code never exchanged
      expect(await errcodeOf(refresh(token, info.authorizer_refresh_token, SECOND))).toBe(61023);
      expect(
        await errcodeOf(refresh(token, info.authorizer_refresh_token, 'wxneverauthorised')),
      ).toBe(61003);
      expect(
        await errcodeOf(
          post(
            'api_authorizer_token',
            { component_appid: COMPONENT.componentAppId, authorizer_refresh_token: 'x' },
            as(token),
          ),
        ),
      ).toBe(61003);
      expect(await errcodeOf(refresh('sbx_unknown', info.authorizer_refresh_token))).toBe(40001);
      sandbox.clock.advance(2 * HOUR);
      expect(await errcodeOf(refresh(token, info.authorizer_refresh_token))).toBe(42001);
    });

    it('rotates the refresh token once when asked: the old one then answers 61023', async () => {
      const { token, info } = await exchanged();
      const original = info.authorizer_refresh_token as string;
      sandbox.rotateAuthorizerRefreshToken(COMPONENT.componentAppId, MERCHANT);
      const rotated = await refresh(token, original);
      expect(rotated.authorizer_refresh_token).toEqual(expect.stringMatching(/^refreshtoken@@@/));
      expect(rotated.authorizer_refresh_token).not.toBe(original);
      expect(await errcodeOf(refresh(token, original))).toBe(61023);
      const next = await refresh(token, rotated.authorizer_refresh_token);
      expect(next.authorizer_refresh_token).toBe(rotated.authorizer_refresh_token);
    });

    it('after a revocation: 61003 for the refresh token, 40001 for the authorizer token; re-authorising mints a new refresh token', async () => {
      const { token, info } = await exchanged();
      const payment = sandbox.registerPayment({ openid: 'o-revoked', appId: MERCHANT });
      await sandbox.unauthorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      });
      expect(await errcodeOf(refresh(token, info.authorizer_refresh_token))).toBe(61003);
      expect((await lookup(info.authorizer_access_token as string, payment)).errcode).toBe(40001);

      const again = (await queryAuth(token, await authorised())).authorization_info as Json;
      expect(again.authorizer_refresh_token).not.toBe(info.authorizer_refresh_token);
      expect(await errcodeOf(refresh(token, info.authorizer_refresh_token))).toBe(61023);
      expect((await lookup(info.authorizer_access_token as string, payment)).errcode).toBe(40001);
      expect((await lookup(again.authorizer_access_token as string, payment)).errcode).toBe(0);
    });
  });

  describe('POST /cgi-bin/component/api_get_authorizer_list', () => {
    const list = (token: string, offset: unknown, count: unknown) =>
      post(
        'api_get_authorizer_list',
        { component_appid: COMPONENT.componentAppId, offset, count },
        as(token),
      );

    it('lists the current authorisations in order, with an empty refresh_token until exchanged', async () => {
      const { token, info } = await exchanged(MERCHANT);
      sandbox.clock.advance(MINUTE);
      await authorised(SECOND);
      await authorised('wx10000000000000b3');
      await sandbox.unauthorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: 'wx10000000000000b3',
      });
      const start = Date.UTC(2025, 6, 1) / 1000;
      expect(await list(token, 0, 500)).toEqual({
        total_count: 2,
        list: [
          {
            authorizer_appid: MERCHANT,
            refresh_token: info.authorizer_refresh_token,
            auth_time: start,
          },
          { authorizer_appid: SECOND, refresh_token: '', auth_time: start + 60 },
        ],
      });
      expect(await list(token, 1, 1)).toEqual({
        total_count: 2,
        list: [{ authorizer_appid: SECOND, refresh_token: '', auth_time: start + 60 }],
      });
      expect(await list(token, 5, 10)).toEqual({ total_count: 2, list: [] });
      expect(sandbox.counters().authorizerListCalls).toBe(3);
    });

    it('answers 47001 for a missing offset, a count outside 1..500 or non-integers', async () => {
      const token = await componentToken();
      for (const [offset, count] of [
        [undefined, 10],
        [0, undefined],
        [0, 501],
        [0, 0],
        [-1, 10],
        [0, 1.5],
        ['0', 10],
      ]) {
        expect(await errcodeOf(list(token, offset, count))).toBe(47001);
      }
    });
  });

  describe('GET /wxa/getpaidunionid with an authorizer_access_token', () => {
    it('answers the unionid when permission set 18 was granted', async () => {
      const { info } = await exchanged();
      const payment = sandbox.registerPayment({ openid: 'o-component', appId: MERCHANT });
      expect(await lookup(info.authorizer_access_token as string, payment)).toEqual({
        unionid: payment.unionid,
        errcode: 0,
        errmsg: 'ok',
      });
      expect(sandbox.counters()).toMatchObject({
        lookups: 1,
        successfulLookupsByTransaction: { [payment.transactionId]: 1 },
      });
    });

    it('answers 61007 without set 18, and works once an update grants it', async () => {
      const { info } = await exchanged(MERCHANT, [1, 17]);
      const payment = sandbox.registerPayment({ openid: 'o-no-18', appId: MERCHANT });
      const token = info.authorizer_access_token as string;
      const answer = await lookup(token, payment);
      expect(answer).toEqual({
        errcode: 61007,
        errmsg: expect.stringMatching(/^api is unauthorized to component rid: /),
      });
      await sandbox.updateComponentAuthorization({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
        funcIds: [1, 17, 18],
      });
      expect((await lookup(token, payment)).errcode).toBe(0);
    });

    it("answers 40001 after revocation, 42001 after expiry, 89300 for another app's payment", async () => {
      const { info } = await exchanged();
      const token = info.authorizer_access_token as string;
      const otherApp = sandbox.registerPayment({ openid: 'o-other', appId: APP.appId });
      expect((await lookup(token, otherApp)).errcode).toBe(89300);
      sandbox.clock.advance(2 * HOUR);
      const late = sandbox.registerPayment({ openid: 'o-late', appId: MERCHANT });
      expect((await lookup(token, late)).errcode).toBe(42001);
      await sandbox.unauthorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      });
      expect((await lookup(token, late)).errcode).toBe(40001);
    });

    it('leaves the direct token path as it was', async () => {
      await exchanged();
      const res = await fetch(
        `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
      );
      const direct = ((await res.json()) as Json).access_token as string;
      const payment = sandbox.registerPayment({ openid: 'o-direct' });
      expect((await lookup(direct, payment)).errcode).toBe(0);
      expect((await lookup('sbx_unknown', payment)).errcode).toBe(40001);
    });
  });

  it('issuedTokens lists component, authorizer and refresh tokens too', async () => {
    const { token, info } = await exchanged();
    expect(sandbox.issuedTokens()).toEqual([
      token,
      info.authorizer_refresh_token,
      info.authorizer_access_token,
    ]);
  });

  it('unknown component paths answer 404', async () => {
    const res = await fetch(`${sandbox.url}/cgi-bin/component/api_nope`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});
