import { WechatSandbox } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_APP, sandboxEnvironment } from '../apps/payment-notify/src/testing';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness, type PaymentBody } from './support/payment-notify.harness';

/** The fields every pino line has, and those of request lines. */
interface LogEntry {
  level: number;
  time: number;
  msg?: string;
  context?: string;
  reqId?: string;
  req?: { id: string; method: string; url: string; remoteAddress?: string; userAgent?: string };
  res?: { statusCode: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opens `GET /payments/*`; must never be logged. */
const READ_API_TOKEN = 'json-logs-read-token-3b8e1f0c6a2d94e7';
const READ_HEADERS = { authorization: `Bearer ${READ_API_TOKEN}` };

/** Each line as JSON; a line that is not one JSON object fails the test, naming the line. */
function parseLines(lines: readonly string[]): LogEntry[] {
  return lines.map((line) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new Error(`not a JSON line: ${line}`);
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`not a JSON object: ${line}`);
    }
    return entry as LogEntry;
  });
}

/** The built app (`npm run build:app`) as a process with `LOG_FORMAT=json`. */
describe('payment-notify with LOG_FORMAT=json', () => {
  let sandbox: WechatSandbox;
  let dir: string;
  let env: Record<string, string>;
  const running: AppProcess[] = [];

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
    ({ env, dir } = sandboxEnvironment(sandbox, {
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      READ_API_TOKEN,
    }));
  });
  afterEach(async () => {
    running.splice(0).forEach((app) => app.kill('SIGKILL'));
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one JSON object per line, with the request id on request lines', async () => {
    const { app, url } = await AppProcess.start(env);
    running.push(app);
    const post = (fixture: { headers: Record<string, string>; body: string }) =>
      fetch(`${url}/wechatpay/notify`, {
        method: 'POST',
        headers: fixture.headers,
        body: fixture.body,
      });

    const unknown = await fetch(`${url}/payments/4200000000000000000000000000`, {
      headers: { ...READ_HEADERS, 'x-request-id': 'req-json-404' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-request-id')).toBe('req-json-404');

    const payment = sandbox.registerPayment({ openid: 'o-json-logs', appId: SANDBOX_APP.appId });
    const accepted = await post(PaymentNotifyHarness.notificationOf(payment));
    expect(accepted.status).toBe(204);
    const acceptedId = accepted.headers.get('x-request-id') ?? '';
    expect(acceptedId).toMatch(UUID);

    const stale = PaymentNotifyHarness.notificationOf(payment, {
      timestamp: Math.floor(Date.now() / 1000) - 400,
    });
    const rejected = await post(stale);
    expect(rejected.status).toBe(401);
    const rejectedId = rejected.headers.get('x-request-id') ?? '';
    expect(rejectedId).toMatch(UUID);
    expect(rejectedId).not.toBe(acceptedId);

    let state: PaymentBody | undefined;
    for (let round = 0; round < 200 && state?.status !== 'resolved'; round++) {
      await sleep(50);
      state = (await (
        await fetch(`${url}/payments/${payment.transactionId}`, { headers: READ_HEADERS })
      ).json()) as PaymentBody;
    }
    expect(state?.status).toBe('resolved');
    app.kill('SIGTERM');
    await expect(app.exit()).resolves.toEqual({ code: 0, signal: null });

    const entries = parseLines(app.output);
    for (const entry of entries) {
      expect(typeof entry.level).toBe('number');
      expect(typeof entry.time).toBe('number');
    }
    // Nest's own lines, the app's and the library's are JSON too.
    expect(entries.some((e) => e.context === 'NestApplication')).toBe(true);
    expect(entries.some((e) => /listening on http/.test(e.msg ?? ''))).toBe(true);
    expect(entries.some((e) => e.context === 'AccessTokenFetcher')).toBe(true);

    const requestLine = (id: string) => entries.find((e) => e.req?.id === id && e.res);
    expect(requestLine('req-json-404')).toMatchObject({
      req: { method: 'GET', url: '/payments/4200000000000000000000000000' },
      res: { statusCode: 404 },
    });
    expect(requestLine(acceptedId)).toMatchObject({
      req: { method: 'POST', url: '/wechatpay/notify' },
      res: { statusCode: 204 },
    });
    expect(requestLine(rejectedId)).toMatchObject({ res: { statusCode: 401 } });
    // Request lines name the caller but copy no header whole: the bearer token is nowhere.
    expect(requestLine('req-json-404')?.req).toMatchObject({ remoteAddress: '127.0.0.1' });
    expect(app.output.filter((line) => line.includes(READ_API_TOKEN))).toEqual([]);
    // What the app logs while serving a request carries that request's id.
    expect(
      entries.find((e) => e.reqId === rejectedId && e.context === 'WechatPayNotifyController'),
    ).toMatchObject({ msg: expect.stringMatching(/^Notification rejected \(401 /) });
  });

  it('ends a bad configuration with one JSON line naming the variable', async () => {
    const { WECHATPAY_MCHID: _mchid, ...withoutMchid } = env;
    const app = AppProcess.spawn(withoutMchid);
    running.push(app);
    await expect(app.exit()).resolves.toMatchObject({ code: 1 });
    const [entry, ...rest] = parseLines(app.output);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      level: 60,
      msg: 'Invalid environment: WECHATPAY_MCHID is required',
    });
  });
});
