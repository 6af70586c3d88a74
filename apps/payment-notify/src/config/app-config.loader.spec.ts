import { resolve } from 'node:path';
import { loadAppConfig } from './app-config.loader';
import { InvalidEnvironmentError } from './errors';
import { createEnvFiles, type EnvFiles } from './testing';

const APIV3_KEY = 'k'.repeat(32);
const SECRET = 'app-secret-0123456789abcdef';

describe('loadAppConfig', () => {
  let files: EnvFiles;
  let base: Record<string, string>;

  beforeAll(() => {
    files = createEnvFiles();
  });
  afterAll(() => files.remove());

  beforeEach(() => {
    base = {
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: SECRET,
      WECHATPAY_MCHID: '1900000109',
      WECHATPAY_APIV3_KEY: APIV3_KEY,
      WECHATPAY_PUBLIC_KEY_FILE: files.publicKeyFile,
      WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
    };
  });

  /** Loads `env` expecting failure and returns the error. */
  const failure = (env: Record<string, string | undefined>): InvalidEnvironmentError => {
    try {
      loadAppConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      return error as InvalidEnvironmentError;
    }
    throw new Error('expected loadAppConfig to throw');
  };

  describe('defaults', () => {
    it('fills in every default from a minimal public-key environment', () => {
      const config = loadAppConfig(base);
      expect(config).toEqual({
        port: 3000,
        logLevel: 'log',
        logFormat: 'text',
        wechat: {
          appId: 'wx0123456789abcdef',
          secret: SECRET,
          tokenMode: 'stable',
          apiBaseUrl: 'https://api.weixin.qq.com',
          timeoutMs: 5000,
        },
        wechatPay: {
          mchId: '1900000109',
          apiV3Key: APIV3_KEY,
          publicKeys: [{ id: 'PUB_KEY_ID_0114232134912410000000000000', pem: files.publicKeyPem }],
        },
        database: { type: 'sqlite', path: resolve('data/payment-notify.sqlite') },
        lookup: {
          selector: 'transaction_id',
          concurrency: 64,
          sliceMs: 20_000,
          pollMs: 500,
          rateLimit: 0,
        },
      });
      expect(config.redisUrl).toBeUndefined();
      expect(config.wechatPay.platformCertificates).toBeUndefined();
    });

    it('returns a deeply frozen object', () => {
      const config = loadAppConfig(base);
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.wechat)).toBe(true);
      expect(Object.isFrozen(config.wechatPay.publicKeys[0])).toBe(true);
    });

    it('treats empty and blank variables as unset', () => {
      const config = loadAppConfig({ ...base, PORT: '', REDIS_URL: '  ', LOG_LEVEL: '' });
      expect(config.port).toBe(3000);
      expect(config.redisUrl).toBeUndefined();
      expect(config.logLevel).toBe('log');
    });

    it('ignores variables it does not know', () => {
      expect(() => loadAppConfig({ ...base, PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
    });
  });

  it('names every bad variable in one line', () => {
    const error = failure({});
    expect(error.message).not.toContain('\n');
    expect(error.message).toBe(
      'Invalid environment: ' +
        'WECHAT_APPID is required unless WECHAT_TOKEN_MODE=cloud; ' +
        'WECHAT_SECRET is required when WECHAT_TOKEN_MODE is stable or classic; ' +
        'WECHATPAY_MCHID is required; ' +
        'WECHATPAY_APIV3_KEY is required; ' +
        'WECHATPAY_PUBLIC_KEY_FILE + WECHATPAY_PUBLIC_KEY_ID or WECHATPAY_PLATFORM_CERT_FILE is required (a verifier mode)',
    );
    expect(error.problems).toHaveLength(5);
  });

  it('reports the example from the contract exactly', () => {
    const { WECHATPAY_MCHID: _mchId, ...rest } = base;
    expect(failure({ ...rest, WECHATPAY_APIV3_KEY: 'short' }).message).toBe(
      'Invalid environment: WECHATPAY_MCHID is required; WECHATPAY_APIV3_KEY must be exactly 32 bytes',
    );
  });

  describe('PORT', () => {
    it.each(['0', '8080', '65535'])('accepts %s', (port) => {
      expect(loadAppConfig({ ...base, PORT: port }).port).toBe(Number(port));
    });
    it.each(['abc', '-1', '65536', '3000.5'])('rejects %s', (port) => {
      expect(failure({ ...base, PORT: port }).message).toBe(
        'Invalid environment: PORT must be an integer from 0 to 65535',
      );
    });
  });

  describe('WECHAT_TOKEN_MODE, WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE_URL', () => {
    it('accepts classic with appid and secret', () => {
      expect(loadAppConfig({ ...base, WECHAT_TOKEN_MODE: 'classic' }).wechat.tokenMode).toBe(
        'classic',
      );
    });

    it('rejects an unknown mode', () => {
      expect(failure({ ...base, WECHAT_TOKEN_MODE: 'external' }).message).toBe(
        'Invalid environment: WECHAT_TOKEN_MODE must be one of stable, classic, cloud',
      );
    });

    it('requires the secret for classic', () => {
      const { WECHAT_SECRET: _secret, ...rest } = base;
      expect(failure({ ...rest, WECHAT_TOKEN_MODE: 'classic' }).problems).toEqual([
        'WECHAT_SECRET is required when WECHAT_TOKEN_MODE is stable or classic',
      ]);
    });

    it('needs neither appid nor secret in cloud mode and defaults to plain http', () => {
      const { WECHAT_APPID: _appId, WECHAT_SECRET: _secret, ...rest } = base;
      const config = loadAppConfig({ ...rest, WECHAT_TOKEN_MODE: 'cloud' });
      expect(config.wechat).toEqual({
        tokenMode: 'cloud',
        apiBaseUrl: 'http://api.weixin.qq.com',
        timeoutMs: 5000,
      });
    });

    it('keeps an explicit base URL (loopback and port allowed) without its trailing slash', () => {
      const config = loadAppConfig({ ...base, WECHAT_API_BASE_URL: 'http://127.0.0.1:45678/' });
      expect(config.wechat.apiBaseUrl).toBe('http://127.0.0.1:45678');
      const cloud = loadAppConfig({
        ...base,
        WECHAT_TOKEN_MODE: 'cloud',
        WECHAT_API_BASE_URL: 'https://example.test',
      });
      expect(cloud.wechat.apiBaseUrl).toBe('https://example.test');
    });

    it.each(['http://api.weixin.qq.com', 'http://10.0.0.8:8080', 'http://localhost.example.com'])(
      'refuses the plain-http base URL %s in stable and classic modes (the AppSecret would travel in clear)',
      (url) => {
        for (const mode of ['stable', 'classic']) {
          expect(
            failure({ ...base, WECHAT_TOKEN_MODE: mode, WECHAT_API_BASE_URL: url }).problems,
          ).toEqual([
            'WECHAT_API_BASE_URL must be https:// (plain http:// only for a loopback host or WECHAT_TOKEN_MODE=cloud): the AppSecret would travel in clear',
          ]);
        }
      },
    );

    it.each([
      'http://127.0.0.1:45678',
      'http://127.8.9.10',
      'http://[::1]:8080',
      'http://localhost:3001',
    ])('accepts the loopback base URL %s over plain http', (url) => {
      expect(loadAppConfig({ ...base, WECHAT_API_BASE_URL: url }).wechat.apiBaseUrl).toBe(url);
    });

    it('accepts plain http in cloud mode, where no secret is sent', () => {
      const config = loadAppConfig({
        ...base,
        WECHAT_TOKEN_MODE: 'cloud',
        WECHAT_API_BASE_URL: 'http://api.weixin.qq.com',
      });
      expect(config.wechat.apiBaseUrl).toBe('http://api.weixin.qq.com');
    });

    it.each(['api.weixin.qq.com', 'ftp://api.weixin.qq.com', 'http://'])(
      'rejects the base URL %s',
      (url) => {
        expect(failure({ ...base, WECHAT_API_BASE_URL: url }).problems).toEqual([
          'WECHAT_API_BASE_URL must be a http:// or https:// URL',
        ]);
      },
    );

    it('rejects an appid with spaces', () => {
      expect(failure({ ...base, WECHAT_APPID: 'wx 0123' }).problems).toEqual([
        'WECHAT_APPID must be an appid without spaces',
      ]);
    });
  });

  describe('WECHATPAY_MCHID and WECHATPAY_APIV3_KEY', () => {
    it('rejects a malformed merchant id', () => {
      expect(failure({ ...base, WECHATPAY_MCHID: '1900 0001' }).problems).toEqual([
        'WECHATPAY_MCHID must be a merchant id (up to 32 letters or digits)',
      ]);
    });

    it.each([
      ['31 ASCII bytes', 'k'.repeat(31)],
      ['33 ASCII bytes', 'k'.repeat(33)],
      ['32 characters but 33 bytes', `${'k'.repeat(31)}é`],
    ])('rejects a key of %s', (_label, key) => {
      expect(failure({ ...base, WECHATPAY_APIV3_KEY: key }).problems).toEqual([
        'WECHATPAY_APIV3_KEY must be exactly 32 bytes',
      ]);
    });

    it('counts bytes, not characters', () => {
      const key = 'é'.repeat(16);
      expect(loadAppConfig({ ...base, WECHATPAY_APIV3_KEY: key }).wechatPay.apiV3Key).toBe(key);
    });
  });

  describe('verifier modes', () => {
    it('accepts platform certificates alone', () => {
      const { WECHATPAY_PUBLIC_KEY_FILE: _f, WECHATPAY_PUBLIC_KEY_ID: _i, ...rest } = base;
      const config = loadAppConfig({
        ...rest,
        WECHATPAY_PLATFORM_CERT_FILE: files.certificateFile,
      });
      expect(config.wechatPay.publicKeys).toEqual([]);
      expect(config.wechatPay.platformCertificates).toMatch(/^-----BEGIN CERTIFICATE-----/);
    });

    it('accepts both modes together and keeps several concatenated certificates', () => {
      const pem = loadAppConfig({ ...base, WECHATPAY_PLATFORM_CERT_FILE: files.certificateFile })
        .wechatPay.platformCertificates;
      const twoCerts = files.write('two-certs.pem', `${pem}\n${pem}`);
      const config = loadAppConfig({ ...base, WECHATPAY_PLATFORM_CERT_FILE: twoCerts });
      expect(config.wechatPay.publicKeys).toHaveLength(1);
      expect(config.wechatPay.platformCertificates?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    });

    it('requires the id when only the file is set, and the file when only the id is set', () => {
      const { WECHATPAY_PUBLIC_KEY_ID: _id, ...withoutId } = base;
      expect(failure(withoutId).problems).toEqual([
        'WECHATPAY_PUBLIC_KEY_ID is required when WECHATPAY_PUBLIC_KEY_FILE is set',
      ]);
      const { WECHATPAY_PUBLIC_KEY_FILE: _file, ...withoutFile } = base;
      expect(failure(withoutFile).problems).toEqual([
        'WECHATPAY_PUBLIC_KEY_FILE is required when WECHATPAY_PUBLIC_KEY_ID is set',
      ]);
    });

    it('rejects a key id that does not look like PUB_KEY_ID_...', () => {
      expect(
        failure({ ...base, WECHATPAY_PUBLIC_KEY_ID: '5157F09EFDC096DE15EBE81A' }).problems,
      ).toEqual(['WECHATPAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_...']);
    });

    it.each([
      ['a missing file', () => `${files.dir}/nope.pem`, 'must name an existing, readable file'],
      ['a directory', () => files.dir, 'must name a regular file'],
      [
        'a private key',
        () => files.privateKeyFile,
        'must name a file holding exactly one PEM public key (BEGIN PUBLIC KEY)',
      ],
      [
        'a broken PEM block',
        () =>
          files.write('broken.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
        'must name a file holding a valid PEM public key',
      ],
    ])('rejects %s as the public key file', (_label, path, problem) => {
      expect(failure({ ...base, WECHATPAY_PUBLIC_KEY_FILE: path() }).problems).toEqual([
        `WECHATPAY_PUBLIC_KEY_FILE ${problem}`,
      ]);
    });

    it('keeps only the public key block of a file that also holds other text', () => {
      const mixed = files.write('mixed.pem', `note: downloaded today\n${files.publicKeyPem}`);
      const config = loadAppConfig({ ...base, WECHATPAY_PUBLIC_KEY_FILE: mixed });
      expect(config.wechatPay.publicKeys[0].pem).toBe(files.publicKeyPem);
    });

    it('rejects a certificate file without certificates', () => {
      expect(
        failure({ ...base, WECHATPAY_PLATFORM_CERT_FILE: files.publicKeyFile }).problems,
      ).toEqual([
        'WECHATPAY_PLATFORM_CERT_FILE must name a file holding PEM certificates (BEGIN CERTIFICATE)',
      ]);
    });
  });

  describe('DATABASE_URL', () => {
    it.each([
      ['sqlite:/var/lib/app/db.sqlite', { type: 'sqlite', path: '/var/lib/app/db.sqlite' }],
      ['sqlite:rel/db.sqlite', { type: 'sqlite', path: resolve('rel/db.sqlite') }],
      ['postgres://u:p@db:5432/app', { type: 'postgres', url: 'postgres://u:p@db:5432/app' }],
      ['postgresql://db/app', { type: 'postgres', url: 'postgresql://db/app' }],
    ])('parses %s', (url, database) => {
      expect(loadAppConfig({ ...base, DATABASE_URL: url }).database).toEqual(database);
    });

    it.each(['sqlite:', 'mysql://u:p@db/app', 'postgres://', './db.sqlite'])(
      'rejects %s',
      (url) => {
        expect(failure({ ...base, DATABASE_URL: url }).problems).toEqual([
          'DATABASE_URL must be sqlite:PATH or a postgres:// URL',
        ]);
      },
    );

    it.each(['sqlite::memory:', 'sqlite:file::memory:?cache=shared', 'sqlite:file:db?mode=memory'])(
      'refuses the in-memory database %s: accepted payments would not survive a restart',
      (url) => {
        expect(failure({ ...base, DATABASE_URL: url }).problems).toEqual([
          'DATABASE_URL must name a file: an in-memory SQLite database loses every payment at restart',
        ]);
      },
    );
  });

  describe('READ_API_TOKEN', () => {
    it('is unset by default: the read routes are off', () => {
      expect(loadAppConfig(base).readApiToken).toBeUndefined();
    });

    it('keeps a token of 16 characters or more', () => {
      const token = 'r3ad-t0ken-0123456789';
      expect(loadAppConfig({ ...base, READ_API_TOKEN: token }).readApiToken).toBe(token);
    });

    it.each(['short-token', 'sixteen chars ok?'])('rejects %j without printing it', (token) => {
      const error = failure({ ...base, READ_API_TOKEN: token });
      expect(error.problems).toEqual([
        'READ_API_TOKEN must be at least 16 characters without spaces',
      ]);
      expect(error.message).not.toContain(token);
    });
  });

  describe('REDIS_URL', () => {
    it.each(['redis://127.0.0.1:6379', 'rediss://:pw@cache.example:6380/2'])(
      'accepts %s',
      (url) => {
        expect(loadAppConfig({ ...base, REDIS_URL: url }).redisUrl).toBe(url);
      },
    );
    it.each(['http://127.0.0.1:6379', '127.0.0.1:6379'])('rejects %s', (url) => {
      expect(failure({ ...base, REDIS_URL: url }).problems).toEqual([
        'REDIS_URL must be a redis:// or rediss:// URL',
      ]);
    });
  });

  describe('LOOKUP_SELECTOR, LOOKUP_CONCURRENCY, LOG_LEVEL, LOG_FORMAT', () => {
    it('accepts valid values', () => {
      const config = loadAppConfig({
        ...base,
        LOOKUP_SELECTOR: 'out_trade_no',
        LOOKUP_CONCURRENCY: '32',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
      });
      expect(config.lookup).toEqual({
        selector: 'out_trade_no',
        concurrency: 32,
        sliceMs: 20_000,
        pollMs: 500,
        rateLimit: 0,
      });
      expect(config.logLevel).toBe('debug');
      expect(config.logFormat).toBe('json');
    });

    it('rejects invalid values, each by name', () => {
      expect(
        failure({
          ...base,
          LOOKUP_SELECTOR: 'openid',
          LOOKUP_CONCURRENCY: '0',
          LOG_LEVEL: 'trace',
          LOG_FORMAT: 'logfmt',
        }).problems,
      ).toEqual([
        'LOOKUP_SELECTOR must be one of transaction_id, out_trade_no',
        'LOOKUP_CONCURRENCY must be an integer from 1 to 1024',
        'LOG_LEVEL must be one of verbose, debug, log, warn, error, fatal',
        'LOG_FORMAT must be one of text, json',
      ]);
    });
  });

  describe('secrets', () => {
    it('never puts a secret value, a URL password or file content into the error', () => {
      const secretFile = files.write('secret.pem', 'TOP-SECRET-FILE-CONTENT\n');
      const error = failure({
        ...base,
        WECHAT_SECRET: 'my super secret',
        WECHATPAY_APIV3_KEY: 'APIV3-SECRET-KEY-TOO-SHORT',
        WECHATPAY_PUBLIC_KEY_FILE: secretFile,
        DATABASE_URL: 'mysql://user:db-password@db/app',
        REDIS_URL: 'http://:redis-password@cache',
      });
      expect(error.problems).toHaveLength(5);
      for (const secret of [
        'my super secret',
        'APIV3-SECRET-KEY-TOO-SHORT',
        'TOP-SECRET-FILE-CONTENT',
        'db-password',
        'redis-password',
      ]) {
        expect(error.message).not.toContain(secret);
        expect(String(error.stack)).not.toContain(secret);
      }
    });

    it('does not print a private key given as the public key file', () => {
      const error = failure({ ...base, WECHATPAY_PUBLIC_KEY_FILE: files.privateKeyFile });
      expect(error.message).not.toMatch(/PRIVATE KEY|MII/);
    });
  });
});
