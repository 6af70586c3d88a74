import { SandboxComponentPushError, SandboxInputError } from '../errors';
import { WechatSandbox } from '../wechat-sandbox.server';
import { buildComponentEventXml, buildComponentPush } from './component-push.builder';
import { ComponentPushReceiver } from './component-push-receiver.test-helpers';

const COMPONENT = {
  componentAppId: 'wxc0000000000000a1',
  componentSecret: 'component-secret-a1',
  token: 'pushTokenA1',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const MERCHANT = 'wx10000000000000a1';
const START = Date.UTC(2025, 5, 1, 8, 0, 0);
const MINUTE = 60_000;

type Json = Record<string, unknown>;

describe('WechatSandbox third-party platform pushes', () => {
  let sandbox: WechatSandbox;
  let receiver: ComponentPushReceiver;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ components: [COMPONENT], startTime: START });
    receiver = await ComponentPushReceiver.start(COMPONENT);
  });

  afterEach(async () => {
    await sandbox.stop();
    await receiver.close();
  });

  async function componentToken(ticket: string): Promise<Json> {
    const res = await fetch(`${sandbox.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: COMPONENT.componentAppId,
        component_appsecret: COMPONENT.componentSecret,
        component_verify_ticket: ticket,
      }),
    });
    return (await res.json()) as Json;
  }

  it('pushComponentTicket POSTs an encrypted, signed component_verify_ticket as WeChat does', async () => {
    const push = await sandbox.pushComponentTicket(COMPONENT.componentAppId, receiver.url);
    expect(push).toEqual({ ticket: expect.any(String), status: 200, body: 'success' });
    expect(receiver.rejected).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    const [received] = receiver.received;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/wechat/component/events');
    expect(received.contentType).toBe('text/xml');
    expect(Object.keys(received.query).sort()).toEqual(
      ['encrypt_type', 'msg_signature', 'nonce', 'signature', 'timestamp'].sort(),
    );
    expect(received.query.encrypt_type).toBe('aes');
    expect(received.query.timestamp).toBe(String(START / 1000));
    expect(received.body).toMatch(
      /^<xml><AppId><!\[CDATA\[wxc0000000000000a1]]><\/AppId><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+]]><\/Encrypt><\/xml>$/,
    );
    expect(received.fields).toEqual({
      AppId: COMPONENT.componentAppId,
      CreateTime: String(START / 1000),
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: push.ticket,
    });
    expect(sandbox.counters().componentPushes).toBe(1);
    // The pushed ticket mints a component_access_token.
    expect(await componentToken(push.ticket)).toEqual({
      component_access_token: expect.any(String),
      expires_in: 7200,
    });
  });

  it('resolves with whatever the receiver answered', async () => {
    receiver.answer = { status: 500, body: 'oops' };
    await expect(
      sandbox.pushComponentTicket(COMPONENT.componentAppId, receiver.url),
    ).resolves.toMatchObject({ status: 500, body: 'oops' });
  });

  it('keeps a query string already on the URL', async () => {
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, `${receiver.url}?tenant=7`);
    expect(receiver.received[0].query).toMatchObject({ tenant: '7', encrypt_type: 'aes' });
  });

  it('authorizeComponent pushes authorized with the code, its expiry and a pre-auth code', async () => {
    sandbox.clock.advance(MINUTE);
    const result = await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
      url: receiver.url,
    });
    const now = (START + MINUTE) / 1000;
    expect(result).toEqual({
      authorizationCode: expect.stringMatching(/^queryauthcode@@@/),
      expiresAt: START + MINUTE + 10 * MINUTE,
      status: 200,
      body: 'success',
    });
    expect(receiver.events()).toEqual([
      {
        AppId: COMPONENT.componentAppId,
        CreateTime: String(now),
        InfoType: 'authorized',
        AuthorizerAppid: MERCHANT,
        AuthorizationCode: result.authorizationCode,
        AuthorizationCodeExpiredTime: String(now + 600),
        PreAuthCode: expect.stringMatching(/^preauthcode@@@/),
      },
    ]);
  });

  it('updateComponentAuthorization pushes updateauthorized; unauthorizeComponent pushes unauthorized', async () => {
    const ids = { componentAppId: COMPONENT.componentAppId, authorizerAppId: MERCHANT };
    await sandbox.authorizeComponent({ ...ids, url: receiver.url });
    const update = await sandbox.updateComponentAuthorization({
      ...ids,
      funcIds: [1, 18],
      url: receiver.url,
    });
    expect(update).toMatchObject({ status: 200, body: 'success' });
    expect(await sandbox.unauthorizeComponent({ ...ids, url: receiver.url })).toEqual({
      status: 200,
      body: 'success',
    });
    const [, updated, revoked] = receiver.events();
    expect(updated).toMatchObject({
      InfoType: 'updateauthorized',
      AuthorizerAppid: MERCHANT,
      AuthorizationCode: update.authorizationCode,
    });
    expect(revoked).toEqual({
      AppId: COMPONENT.componentAppId,
      CreateTime: String(START / 1000),
      InfoType: 'unauthorized',
      AuthorizerAppid: MERCHANT,
    });
    expect(sandbox.counters().componentPushes).toBe(3);
  });

  it('without any URL, authorisations happen without a push', async () => {
    const ids = { componentAppId: COMPONENT.componentAppId, authorizerAppId: MERCHANT };
    const result = await sandbox.authorizeComponent(ids);
    expect(result).toEqual({
      authorizationCode: expect.any(String),
      expiresAt: expect.any(Number),
    });
    expect(await sandbox.unauthorizeComponent(ids)).toEqual({});
    expect(sandbox.counters().componentPushes).toBe(0);
    await expect(sandbox.pushComponentTicket(COMPONENT.componentAppId)).rejects.toThrow(
      /needs a url/,
    );
  });

  it('the event URL is the default target, and a ticket goes out every 10 minutes of sandbox clock', async () => {
    sandbox.setComponentEventUrl(COMPONENT.componentAppId, receiver.url);
    sandbox.clock.advance(9 * MINUTE);
    expect(await sandbox.settleComponentPushes()).toEqual([]);

    sandbox.clock.advance(MINUTE); // 10 minutes after setComponentEventUrl
    const [first] = await sandbox.settleComponentPushes();
    expect(first).toEqual({
      componentAppId: COMPONENT.componentAppId,
      url: receiver.url,
      ticket: expect.any(String),
      status: 200,
      body: 'success',
    });
    expect(receiver.events()).toEqual([
      expect.objectContaining({
        InfoType: 'component_verify_ticket',
        ComponentVerifyTicket: first.ticket,
        CreateTime: String((START + 10 * MINUTE) / 1000),
      }),
    ]);

    // One push per advance, however many marks it crosses.
    sandbox.clock.advance(12 * 60 * MINUTE);
    expect(await sandbox.settleComponentPushes()).toHaveLength(1);
    sandbox.clock.advance(5 * MINUTE);
    sandbox.clock.advance(4 * MINUTE);
    expect(await sandbox.settleComponentPushes()).toEqual([]);
    sandbox.clock.advance(MINUTE);
    expect(await sandbox.settleComponentPushes()).toHaveLength(1);
    expect(receiver.received).toHaveLength(3);

    // Pushes without an explicit url go to the event URL too.
    await sandbox.pushComponentTicket(COMPONENT.componentAppId);
    await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
    });
    expect(receiver.events().map((event) => event.InfoType)).toEqual([
      'component_verify_ticket',
      'component_verify_ticket',
      'component_verify_ticket',
      'component_verify_ticket',
      'authorized',
    ]);

    sandbox.setComponentEventUrl(COMPONENT.componentAppId, null);
    sandbox.clock.advance(60 * MINUTE);
    expect(await sandbox.settleComponentPushes()).toEqual([]);
    expect(sandbox.counters().componentPushes).toBe(5);
  });

  it('an automatic push that gets no answer is reported by settleComponentPushes, its ticket still works', async () => {
    const url = receiver.url;
    await receiver.close();
    sandbox.setComponentEventUrl(COMPONENT.componentAppId, url);
    sandbox.clock.advance(10 * MINUTE);
    const [outcome] = await sandbox.settleComponentPushes();
    expect(outcome).toEqual({
      componentAppId: COMPONENT.componentAppId,
      url,
      ticket: expect.any(String),
      error: expect.stringMatching(/failed: ECONNREFUSED/),
    });
    expect(await componentToken(outcome.ticket)).toMatchObject({ expires_in: 7200 });
    receiver = await ComponentPushReceiver.start(COMPONENT);
  });

  it('a push to a dead URL rejects with SandboxComponentPushError', async () => {
    const url = receiver.url;
    await receiver.close();
    const error = await sandbox
      .pushComponentTicket(COMPONENT.componentAppId, url)
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SandboxComponentPushError);
    expect((error as Error).message).toMatch(
      /^push to http:\/\/127\.0\.0\.1:\d+\/wechat\/component\/events failed: ECONNREFUSED$/,
    );
    expect(sandbox.counters().componentPushes).toBe(1);
    receiver = await ComponentPushReceiver.start(COMPONENT);
  });

  it('stop() ends a push to a receiver that never answers', async () => {
    receiver.hang = true;
    const pending = sandbox.pushComponentTicket(COMPONENT.componentAppId, receiver.url);
    for (let i = 0; i < 1000 && receiver.arrivals === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(receiver.arrivals).toBe(1);
    await sandbox.stop();
    await expect(pending).rejects.toThrow(/the sandbox stopped/);
  });

  it('issueComponentTicket issues a working ticket without pushing', async () => {
    const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
    expect(ticket).toMatch(/^ticket@@@/);
    expect(await componentToken(ticket)).toMatchObject({ expires_in: 7200 });
    expect(sandbox.counters().componentPushes).toBe(0);
  });

  it('validates inputs with SandboxInputError, never echoing the secret or the key', async () => {
    const rejections: Array<Promise<unknown>> = [
      sandbox.pushComponentTicket('wxunknown', receiver.url),
      sandbox.pushComponentTicket(COMPONENT.componentAppId, 'ftp://example.com/x'),
      sandbox.pushComponentTicket(COMPONENT.componentAppId, 'not a url'),
      sandbox.authorizeComponent({ componentAppId: COMPONENT.componentAppId, authorizerAppId: '' }),
      sandbox.authorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
        funcIds: [],
      }),
      sandbox.authorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
        funcIds: [1.5],
      }),
      sandbox.authorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
        preAuthCode: 'preauthcode@@@never-issued',
      }),
      sandbox.updateComponentAuthorization({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      }),
      sandbox.unauthorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      }),
    ];
    for (const rejection of rejections) {
      await expect(rejection).rejects.toBeInstanceOf(SandboxInputError);
    }
    expect(() => sandbox.rotateAuthorizerRefreshToken(COMPONENT.componentAppId, MERCHANT)).toThrow(
      SandboxInputError,
    );
    expect(() => sandbox.setComponentEventUrl('wxunknown', receiver.url)).toThrow(
      SandboxInputError,
    );
    await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
    });
    await expect(
      sandbox.authorizeComponent({
        componentAppId: COMPONENT.componentAppId,
        authorizerAppId: MERCHANT,
      }),
    ).rejects.toThrow(/already authorised/);

    const bad = { ...COMPONENT, componentAppId: 'wxbad', encodingAesKey: 'secret-key-too-short' };
    let thrown: unknown;
    try {
      sandbox.addComponent(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SandboxInputError);
    expect((thrown as Error).message).not.toContain('secret-key-too-short');
    await expect(
      WechatSandbox.start({ components: [{ ...COMPONENT, componentSecret: '' }] }),
    ).rejects.toThrow(/componentSecret/);
    expect(receiver.received).toHaveLength(0);
  });

  it('a pre_auth_code from api_create_preauthcode is used up by the authorisation', async () => {
    const ticket = sandbox.issueComponentTicket(COMPONENT.componentAppId);
    const token = (await componentToken(ticket)).component_access_token as string;
    const res = await fetch(
      `${sandbox.url}/cgi-bin/component/api_create_preauthcode?component_access_token=${token}`,
      { method: 'POST', body: JSON.stringify({ component_appid: COMPONENT.componentAppId }) },
    );
    const { pre_auth_code: preAuthCode } = (await res.json()) as { pre_auth_code: string };
    const ids = { componentAppId: COMPONENT.componentAppId, url: receiver.url, preAuthCode };
    await sandbox.authorizeComponent({ ...ids, authorizerAppId: MERCHANT });
    expect(receiver.events()[0].PreAuthCode).toBe(preAuthCode);
    await expect(
      sandbox.authorizeComponent({ ...ids, authorizerAppId: 'wx20000000000000a1' }),
    ).rejects.toThrow(/preAuthCode/);
  });

  it('a push built with buildComponentPush can be posted by a test itself', async () => {
    const push = buildComponentPush({
      ...COMPONENT,
      xml: buildComponentEventXml({
        AppId: COMPONENT.componentAppId,
        CreateTime: 1700000000,
        InfoType: 'unauthorized',
        AuthorizerAppid: MERCHANT,
      }),
    });
    const res = await fetch(`${receiver.url}?${new URLSearchParams(push.query)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: push.body,
    });
    expect(await res.text()).toBe('success');
    expect(receiver.events()).toEqual([
      {
        AppId: COMPONENT.componentAppId,
        CreateTime: '1700000000',
        InfoType: 'unauthorized',
        AuthorizerAppid: MERCHANT,
      },
    ]);
  });
});
