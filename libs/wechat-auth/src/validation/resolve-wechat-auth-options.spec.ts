import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type { WechatAuthModuleOptions } from '../interfaces/wechat-auth-module-options.interface';
import { resolveWechatAuthOptions } from './resolve-wechat-auth-options';

describe('resolveWechatAuthOptions', () => {
  it('fills in defaults for the single-app shorthand', () => {
    const resolved = resolveWechatAuthOptions({ appId: 'wx0123456789abcdef', secret: 's' });
    expect(resolved.defaultApp).toMatchObject({
      appId: 'wx0123456789abcdef',
      tokenMode: 'stable',
      apiBaseUrl: 'https://api.weixin.qq.com',
    });
    expect(resolved).toMatchObject({
      timeoutMs: 5000,
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 },
      tokenRefreshMarginMs: 300_000,
    });
  });

  it('defaults cloud apps to plain HTTP and keeps an explicit base URL without trailing slash', () => {
    expect(resolveWechatAuthOptions({ tokenMode: 'cloud' }).defaultApp.apiBaseUrl).toBe(
      'http://api.weixin.qq.com',
    );
    expect(
      resolveWechatAuthOptions({ tokenMode: 'cloud', apiBaseUrl: 'http://127.0.0.1:1234/' })
        .defaultApp.apiBaseUrl,
    ).toBe('http://127.0.0.1:1234');
  });

  it('rejects apps together with the shorthand, and duplicate appIds', () => {
    expect(() =>
      resolveWechatAuthOptions({
        appId: 'wx0123456789abcdef',
        secret: 's',
        apps: [
          { appId: 'wx0123456789abcdef', secret: 's' },
          { appId: 'wx0123456789abcdef', secret: 's' },
        ],
      }),
    ).toThrow(WechatAuthConfigError);
    const error = (() => {
      try {
        return resolveWechatAuthOptions({
          apps: [
            { appId: 'wx0123456789abcdef', secret: 's' },
            { appId: 'wx0123456789abcdef', secret: 's' },
          ],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WechatAuthConfigError);
    expect((error as WechatAuthConfigError).problems).toEqual([
      'apps holds appId wx0123456789abcdef twice',
    ]);
  });

  describe('a plain-http apiBaseUrl (the AppSecret would travel in clear)', () => {
    const APP_ID = 'wx0123456789abcdef';
    const SECRET = 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a';
    const problemsOf = (options: WechatAuthModuleOptions): string[] => {
      try {
        resolveWechatAuthOptions(options);
      } catch (error) {
        expect(error).toBeInstanceOf(WechatAuthConfigError);
        return (error as WechatAuthConfigError).problems;
      }
      return [];
    };
    const refusal = (field: string, mode: string) =>
      `${field} must be https: (plain http: only for a loopback host, or in tokenMode 'cloud'): ` +
      `tokenMode '${mode}' sends the AppSecret, which would travel in clear`;

    it.each([
      'http://api.weixin.qq.com',
      'http://10.0.0.8:8080',
      'http://localhost.example.com',
      'http://127.0.0.1.nip.io',
      `http://user:${SECRET}@api.weixin.qq.com`,
    ])('is refused for %s in stable and classic modes, naming the field only', (url) => {
      for (const tokenMode of ['stable', 'classic'] as const) {
        const problems = problemsOf({ appId: APP_ID, secret: SECRET, tokenMode, apiBaseUrl: url });
        expect(problems).toEqual([refusal('apiBaseUrl', tokenMode)]);
        expect(problems.join()).not.toContain(SECRET);
        expect(problems.join()).not.toContain(url);
      }
    });

    it.each([
      'http://127.0.0.1:1234',
      'http://127.8.9.10',
      'http://[::1]:8080',
      'http://localhost:3001',
      'http://LOCALHOST',
      'https://api.weixin.qq.com',
      'https://10.0.0.8:8443',
    ])('is accepted for the loopback or https URL %s', (url) => {
      for (const tokenMode of ['stable', 'classic'] as const) {
        expect(problemsOf({ appId: APP_ID, secret: SECRET, tokenMode, apiBaseUrl: url })).toEqual(
          [],
        );
      }
    });

    it("is accepted in 'cloud' mode, which sends no secret", () => {
      expect(problemsOf({ tokenMode: 'cloud', apiBaseUrl: 'http://api.weixin.qq.com' })).toEqual(
        [],
      );
    });

    it('names the app field, or the inherited module field, in multi-app options', () => {
      expect(
        problemsOf({
          apiBaseUrl: 'http://wechat-gateway.internal',
          apps: [
            { appId: APP_ID, secret: SECRET },
            { appId: 'wx2222222222222222', secret: SECRET, tokenMode: 'classic' },
            { appId: 'wx3333333333333333', tokenMode: 'cloud' },
            {
              appId: 'wx4444444444444444',
              secret: SECRET,
              apiBaseUrl: 'http://api.weixin.qq.com',
            },
            {
              appId: 'wx5555555555555555',
              secret: SECRET,
              apiBaseUrl: 'https://api.weixin.qq.com',
            },
          ],
        }),
      ).toEqual([
        refusal('apiBaseUrl', 'stable'),
        refusal('apiBaseUrl', 'classic'),
        refusal('apps[3].apiBaseUrl', 'stable'),
      ]);
    });
  });
});
