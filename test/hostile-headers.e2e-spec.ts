import { WechatSandbox } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import { SANDBOX_APP, sandboxEnvironment } from '../apps/payment-notify/src/testing';
import { AppProcess } from './support/app-process';

/** Opens the read routes (`/payments`, `/unionids`, `/metrics`); must never be logged. */
const READ_API_TOKEN = 'hostile-headers-read-token-5d0c2f7e9a41b6c8';
const READ_HEADERS = { authorization: `Bearer ${READ_API_TOKEN}` };

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/** Node answers 431 to a header section over 16 KiB: one value this long still gets through. */
const HOSTILE_LENGTH = 15 * 1024;
const hostile = (unit: string) =>
  unit.repeat(Math.ceil(HOSTILE_LENGTH / unit.length)).slice(0, HOSTILE_LENGTH);

/** Repetitive values of the shapes that made the former log censor backtrack. */
const HOSTILE_VALUES = [
  hostile('a.'),
  hostile('a:'),
  hostile('aaaa://'),
  hostile('access_token='),
  `Bearer ${hostile('a.')}`,
  hostile('-----BEGIN PRIVATE KEY-----'),
];
const HOSTILE_HEADERS = ['user-agent', 'x-hostile', 'cookie', 'referer'];

/** Longer than what a request line keeps of any header (a User-Agent is cut at 200). */
const LEAK_PROBE_LENGTH = 256;
/** The longest log line allowed while the app serves these requests. */
const MAX_LINE_LENGTH = 2048;

const ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; path: string; logged: boolean }> = [
  { method: 'GET', path: '/health', logged: false },
  { method: 'GET', path: '/health?probe=1', logged: false },
  { method: 'GET', path: '/metrics', logged: false },
  { method: 'GET', path: '/payments/4200000000000000000000000000', logged: true },
  { method: 'GET', path: `/unionids/${OPENID}`, logged: true },
  { method: 'GET', path: `/payments/4200000000000000000000000001?openid=${OPENID}`, logged: true },
  { method: 'POST', path: '/wechatpay/notify', logged: true },
];

/** All that a request line may say about the request. */
const REQUEST_KEYS = new Set([
  'id',
  'method',
  'url',
  'remoteAddress',
  'userAgent',
  'contentLength',
]);

interface RequestLine {
  req: { id: string; method: string; url: string } & Record<string, unknown>;
  res: Record<string, unknown>;
}

/**
 * The built app (`npm run build:app`) as a process, sent 16 KB header values on every kind of
 * route: no log line carries them, however the logs are written.
 */
describe.each(['json', 'text'])(
  'payment-notify (LOG_FORMAT=%s) given hostile headers',
  (format) => {
    let sandbox: WechatSandbox;
    let dir: string;
    let env: Record<string, string>;
    let app: AppProcess | undefined;

    beforeEach(async () => {
      sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
      ({ env, dir } = sandboxEnvironment(sandbox, {
        LOG_FORMAT: format,
        LOG_LEVEL: 'debug',
        READ_API_TOKEN,
      }));
    });
    afterEach(async () => {
      app?.kill('SIGKILL');
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('logs none of their values, no bearer token, no whole openid, no line for probes', async () => {
      const started = await AppProcess.start(env);
      app = started.app;
      const startupLines = app.output.length;

      const statusOf = new Map<string, Set<number>>();
      for (const [index, { method, path }] of ROUTES.entries()) {
        for (const [valueIndex, value] of HOSTILE_VALUES.entries()) {
          const name = HOSTILE_HEADERS[(index + valueIndex) % HOSTILE_HEADERS.length];
          const response = await fetch(`${started.url}${path}`, {
            method,
            headers: {
              ...READ_HEADERS,
              'x-request-id': `hostile-${index}-${valueIndex}`,
              [name]: value,
              ...(method === 'POST' && { 'content-type': 'application/json' }),
            },
            ...(method === 'POST' && { body: '{}' }),
          });
          await response.arrayBuffer();
          statusOf.set(path, (statusOf.get(path) ?? new Set()).add(response.status));
        }
      }
      // Every request got through Node's header limit and was answered by the app.
      expect(Object.fromEntries([...statusOf].map(([path, codes]) => [path, [...codes]]))).toEqual({
        '/health': [200],
        '/health?probe=1': [200],
        '/metrics': [200],
        '/payments/4200000000000000000000000000': [404],
        [`/unionids/${OPENID}`]: [404],
        [`/payments/4200000000000000000000000001?openid=${OPENID}`]: [404],
        '/wechatpay/notify': [400],
      });
      app.kill('SIGTERM');
      await expect(app.exit()).resolves.toEqual({ code: 0, signal: null });

      const lines = app.output;
      const leaks: string[] = [];
      lines.forEach((line, i) => {
        if (line.length > MAX_LINE_LENGTH) leaks.push(`line ${i + 1} is ${line.length} long`);
        for (const value of HOSTILE_VALUES) {
          if (line.includes(value.slice(-LEAK_PROBE_LENGTH))) leaks.push(`line ${i + 1}: header`);
        }
        if (line.includes(READ_API_TOKEN)) leaks.push(`line ${i + 1}: READ_API_TOKEN`);
        if (line.includes(OPENID)) leaks.push(`line ${i + 1}: openid`);
      });
      expect(leaks).toEqual([]);

      if (format === 'json') {
        const requestLines = lines
          .slice(startupLines)
          .map((line) => JSON.parse(line) as Partial<RequestLine>)
          .filter(
            (entry): entry is RequestLine => entry.req !== undefined && entry.res !== undefined,
          );
        const loggedUrls = new Set(requestLines.map((entry) => entry.req.url));
        expect([...loggedUrls].sort()).toEqual(
          [
            '/payments/4200000000000000000000000000',
            '/payments/4200000000000000000000000001?openid=oUp***',
            '/unionids/oUp***',
            '/wechatpay/notify',
          ].sort(),
        );
        expect(requestLines).toHaveLength(
          ROUTES.filter((route) => route.logged).length * HOSTILE_VALUES.length,
        );
        for (const entry of requestLines) {
          expect(Object.keys(entry.req).every((key) => REQUEST_KEYS.has(key))).toBe(true);
          expect(Object.keys(entry.res)).toEqual(['statusCode']);
        }
      }
    });
  },
);
