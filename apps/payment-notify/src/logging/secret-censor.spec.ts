import type { AppConfig } from '../config';
import { createSecretCensor, secretsOf, secretsOfEnvironment } from './secret-censor';

const APP_SECRET = '5f0c8a2e9b7d4c1a6e3f0b8d2c5a9e71';
const APIV3_KEY = 'AnApiV3KeyOf32Bytes0123456789abc';
const TOKEN = '89_AbCdEf-GhIjKl_0123456789';

describe('createSecretCensor', () => {
  const censor = createSecretCensor([APP_SECRET, APIV3_KEY, 'short']);

  it('masks the known secret values wherever they appear', () => {
    expect(censor(`secret is ${APP_SECRET}, key ${APIV3_KEY}!`)).toBe('secret is ***, key ***!');
  });

  it('leaves values too short to be told from ordinary words', () => {
    expect(censor('a short line')).toBe('a short line');
  });

  it.each([
    [
      'a query string',
      `GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc123 failed`,
      'GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=*** failed',
    ],
    [
      'an access_token parameter',
      `/wxa/getpaidunionid?access_token=${TOKEN}&openid=o1`,
      '/wxa/getpaidunionid?access_token=***&openid=o1',
    ],
    [
      'JSON',
      `{"access_token":"${TOKEN}","expires_in":7200}`,
      '{"access_token":"***","expires_in":7200}',
    ],
    [
      'JSON inside a JSON string',
      `{"msg":"body {\\"access_token\\":\\"${TOKEN}\\"}"}`,
      '{"msg":"body {\\"access_token\\":\\"***\\"}"}',
    ],
    ['an inspected object', `{ access_token: '${TOKEN}' }`, "{ access_token: '***' }"],
    [
      'a URL password',
      'connect postgres://payments:pa55word@db:5432/app failed',
      'connect postgres://payments:***@db:5432/app failed',
    ],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi', 'Authorization: Bearer ***'],
    [
      'a private key',
      'key -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY----- end',
      'key *** end',
    ],
  ])('masks %s', (_label, text, expected) => {
    expect(censor(text)).toBe(expected);
  });

  it('keeps ordinary log lines as they are', () => {
    const line =
      'Lookup of 4200000000 failed for good: errcode 40003 (openid o-1, mchid 1900000109)';
    expect(censor(line)).toBe(line);
  });
});

describe('secretsOf / secretsOfEnvironment', () => {
  it('lists the AppSecret, the APIv3 key and the database and Redis passwords', () => {
    const config = {
      wechat: { secret: APP_SECRET },
      wechatPay: { apiV3Key: APIV3_KEY },
      database: { type: 'postgres', url: 'postgres://u:db%2Fpass@db/app' },
      redisUrl: 'redis://:redis-pass@cache:6379',
    } as unknown as AppConfig;
    expect(secretsOf(config)).toEqual([
      APP_SECRET,
      APIV3_KEY,
      'db%2Fpass',
      'db/pass',
      'redis-pass',
      'redis-pass',
    ]);
  });

  it('reads the same from a raw environment, even an invalid one', () => {
    expect(
      secretsOfEnvironment({
        WECHAT_SECRET: APP_SECRET,
        WECHATPAY_APIV3_KEY: 'short',
        DATABASE_URL: 'not a url',
      }),
    ).toEqual([APP_SECRET, 'short']);
  });
});
