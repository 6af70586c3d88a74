import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
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
});
