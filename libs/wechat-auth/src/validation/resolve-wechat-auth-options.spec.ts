import { AccessTokenProvider } from '../access-token/access-token.provider';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type { WechatAuthModuleOptions } from '../interfaces/wechat-auth-module-options.interface';
import { resolveWechatAuthOptions } from './resolve-wechat-auth-options';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a';

/** The problems of `options` (untyped: user input from a factory or ConfigService). */
function problemsOf(options: unknown): string[] {
  try {
    resolveWechatAuthOptions(options as WechatAuthModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WechatAuthConfigError);
    return (error as WechatAuthConfigError).problems;
  }
  return [];
}

class CentralTokens extends AccessTokenProvider {
  async getAccessToken(): Promise<string> {
    return 'central';
  }
  async invalidate(): Promise<void> {}
}

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
    expect(resolveWechatAuthOptions({ tokenMode: 'cloud' }).defaultApp!.apiBaseUrl).toBe(
      'http://api.weixin.qq.com',
    );
    expect(
      resolveWechatAuthOptions({ tokenMode: 'cloud', apiBaseUrl: 'http://127.0.0.1:1234/' })
        .defaultApp!.apiBaseUrl,
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

  describe('a token source given without tokenMode implies external mode', () => {
    it('accessTokenProvider: no secret needed, every app without tokenMode is external', () => {
      expect(
        resolveWechatAuthOptions({ appId: APP_ID, accessTokenProvider: CentralTokens }).defaultApp!
          .tokenMode,
      ).toBe('external');
      const resolved = resolveWechatAuthOptions({
        accessTokenProvider: CentralTokens,
        apps: [{ appId: APP_ID }, { appId: 'wx2222222222222222', tokenMode: 'cloud' }],
      });
      expect([...resolved.apps.values()].map((app) => app.tokenMode)).toEqual([
        'external',
        'cloud',
      ]);
    });

    it('externalToken: no secret needed, per app too', () => {
      const externalToken = async () => 'central';
      expect(resolveWechatAuthOptions({ appId: APP_ID, externalToken }).defaultApp!.tokenMode).toBe(
        'external',
      );
      const resolved = resolveWechatAuthOptions({
        apps: [
          { appId: APP_ID, secret: SECRET },
          { appId: 'wx2222222222222222', externalToken },
        ],
      });
      expect([...resolved.apps.values()].map((app) => app.tokenMode)).toEqual([
        'stable',
        'external',
      ]);
    });

    it('an explicit tokenMode still wins, and an externalToken it would never call is refused', () => {
      expect(
        problemsOf({ appId: APP_ID, tokenMode: 'stable', accessTokenProvider: CentralTokens }),
      ).toEqual(["secret is required when tokenMode is 'stable' or 'classic'"]);
      expect(
        problemsOf({
          appId: APP_ID,
          secret: SECRET,
          tokenMode: 'classic',
          externalToken: async () => 'x',
        }),
      ).toEqual([
        "externalToken is never called in tokenMode 'classic' (leave tokenMode out, or set 'external')",
      ]);
    });
  });

  describe('unknown keys', () => {
    it('are refused by name, with a hint for a case-insensitive match, never quoting a value', () => {
      const problems = problemsOf({
        appId: APP_ID,
        secret: SECRET,
        apiBaseURL: 'http://127.0.0.1:1234',
        timeOut: SECRET,
      });
      expect(problems).toEqual([
        'apiBaseURL is not a WechatAuthModule option (did you mean apiBaseUrl?)',
        'timeOut is not a WechatAuthModule option',
      ]);
      expect(problems.join()).not.toContain(SECRET);
      expect(problems.join()).not.toContain('127.0.0.1');
    });

    it('are refused inside apps[i], retry, tokenFetchBackoff and a plain hooks object', () => {
      expect(
        problemsOf({
          apps: [
            { appId: APP_ID, secret: SECRET },
            { appId: 'wx2222222222222222', secret: SECRET, apiBaseURL: 'https://x', timeoutMs: 1 },
          ],
          retry: { maxAttempt: 3 },
          tokenFetchBackoff: { BaseDelayMs: 10 },
          hooks: { onTokenFetched: () => undefined },
        }),
      ).toEqual([
        'apps[1].apiBaseURL is not a WechatAuthModule option (did you mean apiBaseUrl?)',
        'apps[1].timeoutMs is not a per-app option: set it on the module',
        'retry.maxAttempt is not a WechatAuthModule option',
        'tokenFetchBackoff.BaseDelayMs is not a WechatAuthModule option (did you mean baseDelayMs?)',
        'hooks.onTokenFetched is not a WechatAuthModule option',
      ]);
    });

    it('points isGlobal and imports returned by a factory to forRootAsync itself', () => {
      expect(problemsOf({ appId: APP_ID, secret: SECRET, isGlobal: true, imports: [] })).toEqual([
        'isGlobal is not an option the factory may return: give it to forRootAsync itself',
        'imports is not an option the factory may return: give it to forRootAsync itself',
      ]);
    });

    it('leaves a hooks class instance (with state of its own) alone', () => {
      class Hooks {
        constructor(readonly counted: string[] = []) {}
        onTokenFetch(): void {
          this.counted.push('fetch');
        }
      }
      expect(problemsOf({ appId: APP_ID, secret: SECRET, hooks: new Hooks() })).toEqual([]);
    });

    it('refuses options that are not an object', () => {
      expect(problemsOf(undefined)).toEqual(['the options must be an object']);
    });
  });

  describe('a plain-http apiBaseUrl (the AppSecret would travel in clear)', () => {
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
  describe('a third-party platform (component)', () => {
    const COMPONENT = {
      componentAppId: 'wxc0c0c0c0c0c0c0c0',
      componentSecret: 'platform-secret-value',
      token: 'pushToken42',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    };

    it('alone configures no app: calls name their authoriser; the default store is in-process', () => {
      const resolved = resolveWechatAuthOptions({ component: COMPONENT });
      expect(resolved.apps.size).toBe(0);
      expect(resolved.defaultApp).toBeUndefined();
      expect(resolved.component).toMatchObject({
        componentAppId: COMPONENT.componentAppId,
        apiBaseUrl: 'https://api.weixin.qq.com',
        storeIsDefault: true,
      });
    });

    it('sits beside apps of its own', () => {
      const resolved = resolveWechatAuthOptions({
        appId: APP_ID,
        secret: SECRET,
        component: COMPONENT,
      });
      expect([...resolved.apps.keys()]).toEqual([APP_ID]);
      expect(resolved.component?.componentAppId).toBe(COMPONENT.componentAppId);
    });

    it('names every bad field, never a value', () => {
      const problems = problemsOf({
        component: {
          componentAppId: 'nope',
          componentSecret: '',
          token: 'x',
          encodingAesKey: 'short-secret-key',
          previousEncodingAesKey: 'also-short',
          store: { get: () => undefined },
          encodingAESKey: 'typo',
        },
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'component.componentAppId must look like wx0123456789abcdef',
          'component.componentSecret is required (the platform AppSecret)',
          'component.token must be 3-32 letters or digits',
          'component.encodingAesKey must be 43 letters or digits',
          'component.previousEncodingAesKey must be 43 letters or digits',
          expect.stringContaining('component.store must be a WechatComponentStore'),
          expect.stringContaining('component.encodingAESKey is not a WechatAuthModule option'),
        ]),
      );
      expect(problems.join(' ')).not.toMatch(/short-secret-key|also-short|typo/);
    });

    it('refuses the platform appid as an app, and a remote plain-http origin', () => {
      expect(
        problemsOf({ appId: COMPONENT.componentAppId, secret: SECRET, component: COMPONENT }),
      ).toEqual([expect.stringContaining('cannot also be in `apps`')]);
      expect(problemsOf({ component: COMPONENT, apiBaseUrl: 'http://wechat.example.com' })).toEqual(
        [expect.stringContaining("tokenMode 'component'")],
      );
    });
  });
});
