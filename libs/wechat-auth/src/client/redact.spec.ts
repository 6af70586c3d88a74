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
});

describe('encodeQuery', () => {
  it('encodes per RFC 3986 and skips undefined values', () => {
    expect(encodeQuery({ a: "x y|*!'()", b: undefined, c: '&=+%' })).toBe(
      'a=x%20y%7C%2A%21%27%28%29&c=%26%3D%2B%25',
    );
  });
});
