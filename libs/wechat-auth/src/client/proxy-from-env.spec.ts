import { proxyFromEnvironment } from './proxy-from-env';

const proxy = (url: string, env: Record<string, string | undefined>) =>
  proxyFromEnvironment(new URL(url), env);

describe('proxyFromEnvironment', () => {
  const HTTPS = 'http://proxy.corp:3128';
  const HTTP = 'http://plain-proxy.corp:8080';

  it('takes HTTPS_PROXY for https: origins and HTTP_PROXY for http: ones, lower case first', () => {
    const env = { HTTPS_PROXY: HTTPS, HTTP_PROXY: HTTP };
    expect(proxy('https://api.weixin.qq.com', env)).toBe(HTTPS);
    expect(proxy('http://api.weixin.qq.com', env)).toBe(HTTP);
    expect(proxy('https://api.weixin.qq.com', { ...env, https_proxy: 'http://lower:1' })).toBe(
      'http://lower:1',
    );
    expect(proxy('https://api.weixin.qq.com', { HTTP_PROXY: HTTP })).toBeUndefined();
    expect(proxy('https://api.weixin.qq.com', { HTTPS_PROXY: '  ' })).toBeUndefined();
    expect(proxy('https://api.weixin.qq.com', {})).toBeUndefined();
  });

  it('never proxies loopback hosts', () => {
    const env = { HTTPS_PROXY: HTTPS, HTTP_PROXY: HTTP };
    for (const url of [
      'http://localhost:8080',
      'http://127.0.0.1:9000',
      'http://127.1.2.3',
      'http://[::1]:8080',
      'https://wechat.localhost',
    ]) {
      expect([url, proxy(url, env)]).toEqual([url, undefined]);
    }
  });

  it('honours NO_PROXY: *, names with their subdomains, leading dots, ports, IPs', () => {
    const at = (noProxy: string, url: string) =>
      proxy(url, { HTTPS_PROXY: HTTPS, NO_PROXY: noProxy });
    expect(at('*', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('weixin.qq.com', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('weixin.qq.com', 'https://weixin.qq.com')).toBeUndefined();
    expect(at('eixin.qq.com', 'https://api.weixin.qq.com')).toBe(HTTPS);
    expect(at('.qq.com', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('*.qq.com', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('other.com, api.weixin.qq.com', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('api.weixin.qq.com:443', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(at('api.weixin.qq.com:8443', 'https://api.weixin.qq.com')).toBe(HTTPS);
    expect(at('10.0.0.5', 'https://10.0.0.5:8443')).toBeUndefined();
    expect(at('[2001:db8::1]:443', 'https://[2001:db8::1]')).toBeUndefined();
    expect(at('2001:db8::1', 'https://[2001:db8::1]:8443')).toBeUndefined();
    expect(at('API.WEIXIN.QQ.COM', 'https://api.weixin.qq.com')).toBeUndefined();
    expect(proxy('https://api.weixin.qq.com', { HTTPS_PROXY: HTTPS, no_proxy: 'qq.com' })).toBe(
      undefined,
    );
  });
});
