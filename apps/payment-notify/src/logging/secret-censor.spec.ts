import fc from 'fast-check';
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
      '/wxa/getpaidunionid?access_token=***&openid=o***',
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

  it('masks a private key that has no END line up to the end of the text', () => {
    expect(censor('key -----BEGIN RSA PRIVATE KEY-----\nMIIEvQ\nMIIE')).toBe('key ***');
  });

  it('masks a URL password whatever the scheme, even none', () => {
    expect(censor('x-y.z+1://u:p@h and ://:p@h')).toBe('x-y.z+1://u:***@h and ://:***@h');
    expect(censor('http://host:8080/path')).toBe('http://host:8080/path');
  });

  it('shortens the openids of logged URLs', () => {
    expect(censor('GET /unionids/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o?x=1 404')).toBe(
      'GET /unionids/oUp***?x=1 404',
    );
    expect(censor('{"url":"/payments?openid=oUpF8uMuAJO&sub_openid=o2xyz"}')).toBe(
      '{"url":"/payments?openid=oUp***&sub_openid=o2x***"}',
    );
  });

  it('masks a known secret as a JSON line writes it', () => {
    const password = 'pa"ss\\word-42';
    const line = JSON.stringify({ msg: `connecting with ${password}` });
    expect(createSecretCensor([password])(line)).toBe('{"msg":"connecting with ***"}');
  });

  it('keeps ordinary log lines as they are', () => {
    const line =
      'Lookup of 4200000000 failed for good: errcode 40003 (openid o-1, mchid 1900000109)';
    expect(censor(line)).toBe(line);
  });
});

/** `unit` repeated to exactly `length` characters. */
const repeated = (unit: string, length: number) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const MiB = 1024 * 1024;

/*
 * Request lines carry caller-chosen text before any authentication. Each input is shaped to make
 * a backtracking pattern try again from each of its characters; the former censor (unbounded
 * scheme, lazy search for a missing END line) spent minutes of CPU on `a.a.a.`, `a-a-a-`,
 * `a+a+a+` and BEGIN runs of 1 MiB. A linear one takes milliseconds, with the short-text result.
 */
describe('createSecretCensor on hostile input (1 MiB, repetitive)', () => {
  const censor = createSecretCensor([APP_SECRET, APIV3_KEY]);
  // Makes the censor run every pattern, as a line with a real secret-shaped field does.
  const TRIGGER = 'secret=s ';

  it.each([
    ['a:a:a:', repeated('a:', MiB)],
    ['a.a.a.', repeated('a.', MiB)],
    ['a-a-a-', repeated('a-', MiB)],
    ['a+a+a+', repeated('a+', MiB)],
    ['aaaa://', repeated('a', MiB) + '://'],
    ['aaaa://aaaa://', repeated('aaaa://', MiB)],
    ['a://a:a://a:', repeated('a://a:', MiB)],
    ['bearer and spaces', 'bearer' + repeated(' ', MiB)],
    ['BEGIN and capitals', '-----BEGIN ' + repeated('A', MiB)],
    ['quoted keys and spaces', '"access_token"' + repeated(' ', MiB)],
  ])('leaves %s as it is', (_label, text) => {
    expect(censor(TRIGGER + text)).toBe(`secret=*** ${text}`);
  });

  it.each([
    ['a run of access_token=', repeated('access_token=', MiB), 'access_token=***'],
    [
      'access_token=x& pairs',
      repeated('access_token=x&', 15 * 65536),
      repeated('access_token=***&', 17 * 65536),
    ],
    [
      'JSON access_token fields',
      repeated('"access_token":"x",', 19 * 55188),
      repeated('"access_token":"***",', 21 * 55188),
    ],
    ['a URL password made of a:a:a:', `a://:${repeated('a:', MiB)}@h`, 'a://:***@h'],
    [
      'BEGIN lines without an END line',
      `key ${repeated('-----BEGIN PRIVATE KEY-----', MiB)}`,
      'key ***',
    ],
    ['the AppSecret over and over', repeated(APP_SECRET, 32 * 32768), repeated('***', 3 * 32768)],
    [
      '/unionids/ paths',
      repeated('/unionids/oUpF8u', 16 * 65536),
      repeated('/unionids/oUp***', 16 * 65536),
    ],
    ['a run of openid=', repeated('openid=', MiB), 'openid=ope***'],
  ])('masks %s', (_label, text, expected) => {
    expect(censor(text)).toBe(expected);
  });
});

describe('createSecretCensor on JSON lines', () => {
  const censor = createSecretCensor([APP_SECRET]);
  const fragment = fc.oneof(
    fc.constantFrom(
      'access_token=',
      "secret: '",
      '"password":"',
      '://',
      'a://u:',
      '@',
      'Bearer ',
      '-----BEGIN PRIVATE KEY-----',
      '-----END PRIVATE KEY-----',
      '/unionids/',
      'openid=',
      '"',
      '\\',
      "'",
      '&',
      ' ',
      '\n',
      APP_SECRET,
    ),
    fc.string({ maxLength: 8 }),
  );
  const text = fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join(''));

  it('masks inside strings only: whatever the fields hold, the line stays the same JSON shape', () => {
    fc.assert(
      fc.property(text, text, (ua, msg) => {
        const censored = censor(JSON.stringify({ req: { userAgent: ua }, msg, level: 30 }));
        const entry = JSON.parse(censored) as { req: { userAgent: string }; msg: string };
        expect(Object.keys(entry)).toEqual(['req', 'msg', 'level']);
        expect(censored).not.toContain(APP_SECRET);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('createSecretCensor cost', () => {
  const censor = createSecretCensor([APP_SECRET, APIV3_KEY]);
  const SIZE = 256 * 1024;

  /** Least CPU time (µs) of a few runs: the least disturbed by other processes. */
  function cpuMicros(text: string): number {
    let least = Infinity;
    for (let run = 0; run < 5; run++) {
      const start = process.cpuUsage();
      censor(text);
      const { user, system } = process.cpuUsage(start);
      least = Math.min(least, user + system);
    }
    return least;
  }

  it('is about the same for hostile text as for ordinary log text of the same size', () => {
    const ordinary = repeated(
      '{"level":40,"reqId":"4f1c","context":"PaymentLookup","msg":"lookup of 4200000000 ' +
        'failed: errcode -1, secret=*** retrying in 200 ms"}\n',
      SIZE,
    );
    const hostile = [
      repeated('a:', SIZE),
      `secret=s ${repeated('a.', SIZE)}`,
      `secret=s ${repeated('aaaa://', SIZE)}`,
      `a://:${repeated('a:', SIZE)}`,
      repeated('access_token=x&', SIZE),
      repeated('-----BEGIN PRIVATE KEY-----', SIZE),
      repeated('/unionids/openid=', SIZE),
    ];
    // Compiles and warms every pattern first.
    hostile.forEach((text) => censor(text.slice(0, 4096)));
    const baseline = cpuMicros(ordinary);
    // Linear patterns stay within a small factor; the former ones took thousands of times as long.
    const slow = hostile
      .map((text) => ({ text: text.slice(0, 24), ratio: cpuMicros(text) / baseline }))
      .filter(({ ratio }) => ratio > 5);
    expect(slow).toEqual([]);
  });
});

describe('secretsOf / secretsOfEnvironment', () => {
  it('lists the AppSecret, the APIv3 key, the read token and the database and Redis passwords', () => {
    const config = {
      wechat: { secret: APP_SECRET },
      wechatPay: { apiV3Key: APIV3_KEY },
      readApiToken: 'read-token-0123456789',
      database: { type: 'postgres', url: 'postgres://u:db%2Fpass@db/app' },
      redisUrl: 'redis://:redis-pass@cache:6379',
    } as unknown as AppConfig;
    expect(secretsOf(config)).toEqual([
      APP_SECRET,
      APIV3_KEY,
      'read-token-0123456789',
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
        READ_API_TOKEN: 'read token with spaces',
        DATABASE_URL: 'not a url',
      }),
    ).toEqual([APP_SECRET, 'short', 'read token with spaces']);
  });
});
