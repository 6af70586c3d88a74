import { encodeQuery, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('masks access_token and secret parameters anywhere in a text', () => {
    const text =
      'GET https://api.weixin.qq.com/wxa/getpaidunionid?access_token=ACCESS.tok-en_1&openid=o1 ' +
      'and /cgi-bin/token?appid=wx1&secret=abcdef0123';
    expect(redactSecrets(text)).toBe(
      'GET https://api.weixin.qq.com/wxa/getpaidunionid?access_token=***&openid=o1 ' +
        'and /cgi-bin/token?appid=wx1&secret=***',
    );
  });

  it('masks the third-party platform tokens, whose names end in access_token after a word character', () => {
    const text =
      '/cgi-bin/component/api_authorizer_token?component_access_token=CAT-1 ' +
      'authorizer_refresh_token=RT-2 component_verify_ticket=T-3 component_appsecret=S-4';
    const redacted = redactSecrets(text);
    for (const secret of ['CAT-1', 'RT-2', 'T-3', 'S-4']) {
      expect(redacted).not.toContain(secret);
    }
  });
});

describe('encodeQuery', () => {
  it('encodes per RFC 3986 and skips undefined values', () => {
    expect(encodeQuery({ a: "x y|*!'()", b: undefined, c: '&=+%' })).toBe(
      'a=x%20y%7C%2A%21%27%28%29&c=%26%3D%2B%25',
    );
  });
});
