import { WechatSandbox } from './wechat-sandbox.server';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a1-0123456789abcdef' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
const MINUTE = 60_000;

type Json = Record<string, unknown>;

describe('WechatSandbox token endpoints', () => {
  let sandbox: WechatSandbox;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [APP], startTime: Date.UTC(2025, 0, 1) });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  async function classic(params: Record<string, string>): Promise<Json> {
    const res = await fetch(`${sandbox.url}/cgi-bin/token?${new URLSearchParams(params)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Json;
  }

  async function stable(body: unknown): Promise<Json> {
    const res = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  const classicToken = async (): Promise<string> =>
    (await classic({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret }))
      .access_token as string;

  const stableToken = async (forceRefresh?: boolean): Promise<Json> =>
    stable({
      grant_type: 'client_credential',
      appid: APP.appId,
      secret: APP.secret,
      ...(forceRefresh === undefined ? {} : { force_refresh: forceRefresh }),
    });

  /** errcode of a getpaidunionid call with `token` for a payment made just now. */
  async function errcodeWith(token: string): Promise<number> {
    const payment = sandbox.registerPayment({ openid: 'o-token-probe' });
    const query = new URLSearchParams({
      access_token: token,
      openid: payment.openid,
      transaction_id: payment.transactionId,
    });
    const res = await fetch(`${sandbox.url}/wxa/getpaidunionid?${query}`);
    return ((await res.json()) as Json).errcode as number;
  }

  describe('GET /cgi-bin/token', () => {
    it('issues an access token valid for tokenTtlSeconds', async () => {
      const answer = await classic({
        grant_type: 'client_credential',
        appid: APP.appId,
        secret: APP.secret,
      });
      expect(answer).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect(sandbox.issuedTokens()).toEqual([answer.access_token]);
      expect(await errcodeWith(answer.access_token as string)).toBe(0);
    });

    it.each([
      [
        'a wrong grant_type',
        { grant_type: 'password', appid: APP.appId, secret: APP.secret },
        40002,
        'invalid grant_type',
      ],
      [
        'a missing appid',
        { grant_type: 'client_credential', secret: APP.secret },
        41002,
        'appid missing',
      ],
      [
        'a missing secret',
        { grant_type: 'client_credential', appid: APP.appId },
        41004,
        'appsecret missing',
      ],
      [
        'an unknown appid',
        { grant_type: 'client_credential', appid: 'wx-unknown', secret: APP.secret },
        40013,
        'invalid appid',
      ],
      [
        'a wrong secret',
        { grant_type: 'client_credential', appid: APP.appId, secret: 'wrong-secret' },
        40125,
        'invalid appsecret',
      ],
    ])('answers %s with its errcode', async (_case, params, errcode, message) => {
      const answer = await classic(params);
      expect(answer.errcode).toBe(errcode);
      expect(answer.errmsg).toMatch(new RegExp(`^${message}${RID.source}`));
      expect(answer).not.toHaveProperty('access_token');
      expect(JSON.stringify(answer)).not.toContain(APP.secret);
      expect(JSON.stringify(answer)).not.toContain('wrong-secret');
      expect(sandbox.issuedTokens()).toEqual([]);
    });

    it('issues a new token on every call; the previous one works 5 more minutes, then 40001', async () => {
      const first = await classicToken();
      const second = await classicToken();
      expect(second).not.toBe(first);

      sandbox.clock.advance(5 * MINUTE - 1);
      expect(await errcodeWith(first)).toBe(0);
      sandbox.clock.advance(1);
      expect(await errcodeWith(first)).toBe(40001);
      expect(await errcodeWith(second)).toBe(0);
    });

    it('answers 42001 once the token has expired', async () => {
      const token = await classicToken();
      sandbox.clock.advance(7200 * 1000 - 1);
      expect(await errcodeWith(token)).toBe(0);
      sandbox.clock.advance(1);
      expect(await errcodeWith(token)).toBe(42001);
    });

    it('honours tokenTtlSeconds', async () => {
      const short = await WechatSandbox.start({ apps: [APP], tokenTtlSeconds: 600 });
      try {
        const res = await fetch(
          `${short.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
        );
        expect(((await res.json()) as Json).expires_in).toBe(600);
      } finally {
        await short.stop();
      }
    });
  });

  describe('POST /cgi-bin/stable_token', () => {
    it('returns the same token while more than 5 minutes remain, with the remaining seconds', async () => {
      const first = await stableToken();
      expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });

      sandbox.clock.advance(60 * MINUTE + 500);
      const again = await stableToken(false);
      expect(again).toEqual({ access_token: first.access_token, expires_in: 3599 });
      expect(sandbox.issuedTokens()).toHaveLength(1);
    });

    it('rotates in the last 5 minutes; the old token works 5 more minutes, then 40001', async () => {
      const first = (await stableToken()).access_token as string;
      sandbox.clock.advance(7200 * 1000 - 5 * MINUTE);
      // Exactly 5 minutes left is not "more than 5 minutes".
      const rotated = await stableToken();
      expect(rotated.access_token).not.toBe(first);
      expect(rotated.expires_in).toBe(7200);

      const third = await stableToken();
      expect(third.access_token).toBe(rotated.access_token);

      sandbox.clock.advance(5 * MINUTE - 1);
      expect(await errcodeWith(first)).toBe(0);
      sandbox.clock.advance(1);
      expect(await errcodeWith(first)).toBe(40001);
      expect(await errcodeWith(rotated.access_token as string)).toBe(0);
    });

    it('keeps a rotated token usable for the full grace even past its own expiry', async () => {
      const first = (await stableToken()).access_token as string;
      sandbox.clock.advance(7200 * 1000 - 4 * MINUTE);
      await stableToken();
      sandbox.clock.advance(4 * MINUTE + 30_000);
      expect(await errcodeWith(first)).toBe(0);
      sandbox.clock.advance(30_000);
      expect(await errcodeWith(first)).toBe(40001);
    });

    it('force_refresh issues a new token and invalidates the previous one at once', async () => {
      const first = (await stableToken()).access_token as string;
      const forced = await stableToken(true);
      expect(forced.access_token).not.toBe(first);
      expect(forced.expires_in).toBe(7200);
      expect(await errcodeWith(first)).toBe(40001);
      expect(await errcodeWith(forced.access_token as string)).toBe(0);
      expect(sandbox.counters().tokenCalls).toEqual({
        classic: 0,
        stable: 2,
        stableForceRefresh: 1,
        total: 2,
      });
    });

    it('issues a fresh token after the current one expired', async () => {
      const first = (await stableToken()).access_token as string;
      sandbox.clock.advance(7200 * 1000);
      expect(await errcodeWith(first)).toBe(42001);
      const next = await stableToken();
      expect(next.access_token).not.toBe(first);
      expect(next.expires_in).toBe(7200);
    });

    it('answers 43002 to GET and 47001 to a body that is not a JSON object', async () => {
      const get = await fetch(`${sandbox.url}/cgi-bin/stable_token`);
      const getAnswer = (await get.json()) as Json;
      expect(getAnswer.errcode).toBe(43002);
      expect(getAnswer.errmsg).toMatch(new RegExp(`^require POST method${RID.source}`));

      for (const body of ['grant_type=client_credential', '[1]', '{"appid": 1}']) {
        const answer = await stable(body);
        expect(answer.errcode).toBe(47001);
        expect(answer.errmsg).toMatch(new RegExp(`^data format error${RID.source}`));
      }
    });

    it.each([
      ['a wrong grant_type', 40002, { grant_type: 'x', appid: APP.appId, secret: APP.secret }],
      ['a missing appid', 41002, { grant_type: 'client_credential', secret: APP.secret }],
      ['a missing secret', 41004, { grant_type: 'client_credential', appid: APP.appId }],
      ['an unknown appid', 40013, { grant_type: 'client_credential', appid: 'wx-no', secret: 'x' }],
      ['a wrong secret', 40125, { grant_type: 'client_credential', appid: APP.appId, secret: 'x' }],
    ])('answers %s with %d like the classic endpoint', async (_case, errcode, body) => {
      const answer = await stable(body);
      expect(answer.errcode).toBe(errcode);
      expect(answer.errmsg).toMatch(RID);
      expect(JSON.stringify(answer)).not.toContain(APP.secret);
    });
  });

  it('keeps classic and stable tokens isolated from each other', async () => {
    const stableOne = (await stableToken()).access_token as string;
    const classicOne = await classicToken();
    await classicToken();
    sandbox.clock.advance(6 * MINUTE);
    expect(await errcodeWith(classicOne)).toBe(40001);
    expect(await errcodeWith(stableOne)).toBe(0);

    const classicTwo = await classicToken();
    await stableToken(true);
    expect(await errcodeWith(stableOne)).toBe(40001);
    expect(await errcodeWith(classicTwo)).toBe(0);
  });

  it('revokeAllTokens makes every issued token answer 40001', async () => {
    const classicOne = await classicToken();
    const stableOne = (await stableToken()).access_token as string;
    sandbox.revokeAllTokens();
    expect(await errcodeWith(classicOne)).toBe(40001);
    expect(await errcodeWith(stableOne)).toBe(40001);

    const stableTwo = (await stableToken()).access_token as string;
    expect(stableTwo).not.toBe(stableOne);
    expect(await errcodeWith(stableTwo)).toBe(0);
  });

  it('counts token calls by kind', async () => {
    await classicToken();
    await classic({ grant_type: 'client_credential', appid: APP.appId, secret: 'wrong' });
    await stableToken();
    await stableToken(true);
    expect(sandbox.counters().tokenCalls).toEqual({
      classic: 2,
      stable: 2,
      stableForceRefresh: 1,
      total: 4,
    });
  });
});
