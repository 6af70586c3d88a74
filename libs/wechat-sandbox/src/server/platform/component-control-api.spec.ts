import { WechatSandbox } from '../wechat-sandbox.server';
import { ComponentPushReceiver } from './component-push-receiver.test-helpers';

const COMPONENT = {
  componentAppId: 'wxc0000000000000d1',
  componentSecret: 'component-secret-d1-never-echoed',
  token: 'pushTokenD1',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const MERCHANT = 'wx10000000000000d1';
const MINUTE = 60_000;

type Json = Record<string, unknown>;

describe('WechatSandbox control API for the third-party platform', () => {
  let sandbox: WechatSandbox;
  let receiver: ComponentPushReceiver;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ startTime: Date.UTC(2025, 7, 1) });
    receiver = await ComponentPushReceiver.start(COMPONENT);
  });

  afterEach(async () => {
    await sandbox.stop();
    await receiver.close();
  });

  async function control(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${sandbox.url}/__sandbox/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

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

  const ids = { componentAppId: COMPONENT.componentAppId, authorizerAppId: MERCHANT };

  it('POST components adds a platform without echoing its secret', async () => {
    expect(await control('components', COMPONENT)).toEqual({ status: 200, body: { ok: true } });
    const issued = await control('issue-component-ticket', {
      componentAppId: COMPONENT.componentAppId,
    });
    expect(issued).toEqual({ status: 200, body: { ticket: expect.stringMatching(/^ticket@@@/) } });
    expect(await componentToken((issued.body as Json).ticket as string)).toMatchObject({
      expires_in: 7200,
    });
  });

  it('POST push-component-ticket pushes and answers {ticket, status, body}', async () => {
    await control('components', COMPONENT);
    const pushed = await control('push-component-ticket', {
      componentAppId: COMPONENT.componentAppId,
      url: receiver.url,
    });
    expect(pushed).toEqual({
      status: 200,
      body: { ticket: expect.any(String), status: 200, body: 'success' },
    });
    expect(receiver.events()[0].ComponentVerifyTicket).toBe((pushed.body as Json).ticket);
  });

  it('answers 502 when a push gets no answer', async () => {
    await control('components', COMPONENT);
    const url = receiver.url;
    await receiver.close();
    const pushed = await control('push-component-ticket', {
      componentAppId: COMPONENT.componentAppId,
      url,
    });
    expect(pushed).toEqual({ status: 502, body: { error: expect.stringMatching(/ECONNREFUSED/) } });
    receiver = await ComponentPushReceiver.start(COMPONENT);
  });

  it('POST component-event-url + clock + settle-component-pushes drive the automatic pushes', async () => {
    await control('components', COMPONENT);
    expect(
      await control('component-event-url', {
        componentAppId: COMPONENT.componentAppId,
        url: receiver.url,
      }),
    ).toEqual({ status: 200, body: { ok: true } });
    await control('clock', { advanceMs: 10 * MINUTE });
    const settled = await control('settle-component-pushes', {});
    expect(settled).toEqual({
      status: 200,
      body: [
        {
          componentAppId: COMPONENT.componentAppId,
          url: receiver.url,
          ticket: expect.any(String),
          status: 200,
          body: 'success',
        },
      ],
    });
    await control('component-event-url', { componentAppId: COMPONENT.componentAppId, url: null });
    await control('clock', { advanceMs: 10 * MINUTE });
    expect(await control('settle-component-pushes', {})).toEqual({ status: 200, body: [] });
  });

  it('POST authorize-component, update-component-authorization, rotate-authorizer-refresh-token, unauthorize-component', async () => {
    await control('components', COMPONENT);
    const authorized = await control('authorize-component', {
      ...ids,
      funcIds: [18],
      url: receiver.url,
    });
    expect(authorized).toEqual({
      status: 200,
      body: {
        authorizationCode: expect.stringMatching(/^queryauthcode@@@/),
        expiresAt: Date.UTC(2025, 7, 1) + 10 * MINUTE,
        status: 200,
        body: 'success',
      },
    });
    const updated = await control('update-component-authorization', { ...ids, funcIds: [1] });
    expect(updated).toEqual({
      status: 200,
      body: { authorizationCode: expect.any(String), expiresAt: expect.any(Number) },
    });

    const ticket = (
      await control('issue-component-ticket', { componentAppId: COMPONENT.componentAppId })
    ).body as Json;
    const token = (await componentToken(ticket.ticket as string)).component_access_token as string;
    const query = `component_access_token=${token}`;
    const exchange = await fetch(`${sandbox.url}/cgi-bin/component/api_query_auth?${query}`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: COMPONENT.componentAppId,
        authorization_code: (authorized.body as Json).authorizationCode,
      }),
    });
    const info = ((await exchange.json()) as Json).authorization_info as Json;
    expect(info.func_info).toEqual([{ funcscope_category: { id: 1 } }]);

    expect(await control('rotate-authorizer-refresh-token', ids)).toEqual({
      status: 200,
      body: { ok: true },
    });
    const refreshed = await fetch(
      `${sandbox.url}/cgi-bin/component/api_authorizer_token?${query}`,
      {
        method: 'POST',
        body: JSON.stringify({
          component_appid: COMPONENT.componentAppId,
          authorizer_appid: MERCHANT,
          authorizer_refresh_token: info.authorizer_refresh_token,
        }),
      },
    );
    expect(((await refreshed.json()) as Json).authorizer_refresh_token).not.toBe(
      info.authorizer_refresh_token,
    );

    expect(await control('unauthorize-component', { ...ids, url: receiver.url })).toEqual({
      status: 200,
      body: { status: 200, body: 'success' },
    });
    expect(receiver.events().map((event) => event.InfoType)).toEqual([
      'authorized',
      'unauthorized',
    ]);
  });

  it('POST fail-next-component queues component faults; POST faults sets componentError', async () => {
    await control('components', COMPONENT);
    const { ticket } = (
      await control('issue-component-ticket', { componentAppId: COMPONENT.componentAppId })
    ).body as { ticket: string };
    expect(await control('fail-next-component', { kinds: [{ errcode: 45009 }] })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await componentToken(ticket)).errcode).toBe(45009);
    await control('faults', { componentError: { errcode: 61004 } });
    expect((await componentToken(ticket)).errcode).toBe(61004);
    await control('faults', {});
    expect(await componentToken(ticket)).toMatchObject({ expires_in: 7200 });
    expect(await control('counters')).toMatchObject({ body: { componentTokenFetches: 3 } });
  });

  it('answers 400 for invalid input, never echoing a secret', async () => {
    await control('components', COMPONENT);
    const cases: Array<[string, unknown]> = [
      ['components', { ...COMPONENT, encodingAesKey: 'short' }],
      ['components', { ...COMPONENT, extra: 1 }],
      ['issue-component-ticket', { componentAppId: 'wxunknown' }],
      ['issue-component-ticket', { componentAppId: COMPONENT.componentAppId, extra: 1 }],
      ['push-component-ticket', { componentAppId: COMPONENT.componentAppId, url: 'nope' }],
      ['push-component-ticket', { componentAppId: COMPONENT.componentAppId }],
      ['component-event-url', { componentAppId: COMPONENT.componentAppId, url: 7 }],
      ['authorize-component', { ...ids, funcIds: 'all' }],
      ['update-component-authorization', ids],
      ['unauthorize-component', ids],
      ['rotate-authorizer-refresh-token', ids],
      ['rotate-authorizer-refresh-token', []],
      ['fail-next-component', { kinds: ['slow'] }],
      ['faults', { componentDelayMs: -1 }],
    ];
    for (const [path, body] of cases) {
      const answer = await control(path, body);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body).toEqual({ error: expect.any(String) });
      expect(JSON.stringify(answer.body)).not.toContain(COMPONENT.componentSecret);
      expect(JSON.stringify(answer.body)).not.toContain(COMPONENT.encodingAesKey);
    }
    expect((await control('settle-component-pushes')).status).toBe(405);
  });
});
