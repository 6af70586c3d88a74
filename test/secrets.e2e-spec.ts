import {
  TEST_ATTACKER_KEY,
  TEST_PLATFORM_CERTIFICATES,
  TEST_WECHATPAY_PUBLIC_KEY,
  type SandboxPayment,
  type WechatPayNotificationFixture,
} from '@app/wechat-sandbox';
import { WechatSandbox } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SANDBOX_APP,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../apps/payment-notify/src/testing';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness, type PaymentBody } from './support/payment-notify.harness';

interface Answer {
  status: number;
  text: string;
}

/** Each base64 line of a PEM body: any of them in the output is a leaked key. */
function pemBodyLines(pem: string): string[] {
  return pem
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----'));
}

const PRIVATE_KEYS: Array<[string, string]> = [
  ['the WeChat Pay public-key-mode private key', TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem],
  ['platform certificate 1 private key', TEST_PLATFORM_CERTIFICATES[0].privateKeyPem],
  ['platform certificate 2 private key', TEST_PLATFORM_CERTIFICATES[1].privateKeyPem],
  ['the attacker private key', TEST_ATTACKER_KEY.privateKeyPem],
];

/** Forged or broken variants of a valid notification, one per rejection kind. */
function forgeries(
  h: Pick<PaymentNotifyHarness, 'notification'>,
  payment: SandboxPayment,
): WechatPayNotificationFixture[] {
  const now = Math.floor(Date.now() / 1000);
  const genuine = h.notification(payment);
  const at = genuine.body.indexOf(genuine.notificationId);
  const tampered = `${genuine.body.slice(0, at)}${genuine.body[at] === 'a' ? 'b' : 'a'}${genuine.body.slice(at + 1)}`;
  const oversized = `${genuine.body.slice(0, -1)},"padding":"${'x'.repeat(1024 * 1024)}"}`;
  const headers = [
    'Wechatpay-Timestamp',
    'Wechatpay-Nonce',
    'Wechatpay-Signature',
    'Wechatpay-Serial',
  ];
  return [
    h.notification(payment, {
      signer: { privateKey: TEST_ATTACKER_KEY.privateKeyPem, serial: TEST_WECHATPAY_PUBLIC_KEY.id },
    }),
    { ...genuine, body: tampered },
    h.notification(payment, { timestamp: now - 400 }),
    h.notification(payment, { timestamp: now + 400 }),
    h.notification(payment, {
      signer: { ...TEST_WECHATPAY_PUBLIC_KEY.signer, serial: 'PUB_KEY_ID_UNKNOWN' },
    }),
    h.notification(payment, { mchid: '1900000002' }),
    h.notification(payment, { apiV3Key: 'AnotherApiV3Key0123456789abcdefY' }),
    h.notification(payment, { overrides: { body: '{"id":' } }),
    h.notification(payment, { overrides: { signature: 'WECHATPAY/SIGNTEST/AAAA' } }),
    h.notification(payment, { overrides: { body: oversized } }),
    ...headers.map((name) => h.notification(payment, { overrides: { headers: { [name]: null } } })),
  ];
}

describe.each(['stable', 'classic'])(
  'payment-notify (%s token mode): no secret in any log line or HTTP answer',
  (tokenMode) => {
    let h: PaymentNotifyHarness;
    const answers: string[] = [];

    async function keep(response: Promise<Response>): Promise<Answer> {
      const settled = await response;
      const text = await settled.text();
      answers.push(text);
      return { status: settled.status, text };
    }
    const notify = (fixture: WechatPayNotificationFixture) => keep(h.post(fixture));
    const read = (path: string) => keep(h.get(path));

    /** Polls `GET /payments/:id` (keeping every answer) until it is not pending. */
    async function settledStatus(transactionId: string): Promise<string> {
      for (let round = 0; round < 200; round++) {
        const { status, text } = await read(`/payments/${transactionId}`);
        const payment = status === 200 ? (JSON.parse(text) as { status: string }) : undefined;
        if (payment && payment.status !== 'pending') return payment.status;
        await sleep(50);
      }
      throw new Error(`payment ${transactionId} did not settle`);
    }

    beforeAll(async () => {
      h = await PaymentNotifyHarness.start({
        env: { LOG_LEVEL: 'debug', WECHAT_TOKEN_MODE: tokenMode },
      });
    });
    afterAll(() => h.stop());

    it('retries while the token endpoint answers 40125, then resolves', async () => {
      h.sandbox.setFaults({ tokenError: { errcode: 40125 } });
      const payment = h.pay(`o-secrets-${tokenMode}-token-error`);
      expect((await notify(h.notification(payment))).status).toBe(204);
      for (let round = 0; h.sandbox.counters().tokenCalls.total < 2; round++) {
        if (round > 200) throw new Error('the app did not retry the token fetch');
        await read(`/payments/${payment.transactionId}`);
        await sleep(50);
      }
      expect(h.sandbox.counters().lookups).toBe(0);
      h.sandbox.setFaults({});

      expect(await settledStatus(payment.transactionId)).toBe('resolved');
      expect(h.sandbox.issuedTokens()).toHaveLength(1);
    });

    it('survives a reset and a 502 from the token endpoint', async () => {
      h.sandbox.revokeAllTokens();
      h.sandbox.failNextToken('reset', 'http5xx');
      const payment = h.pay(`o-secrets-${tokenMode}-token-transport`);
      expect((await notify(h.notification(payment))).status).toBe(204);
      expect(await settledStatus(payment.transactionId)).toBe('resolved');
      expect(h.sandbox.issuedTokens()).toHaveLength(2);
    });

    it('replaces a revoked access_token and resolves', async () => {
      h.sandbox.revokeAllTokens();
      const payment = h.pay(`o-secrets-${tokenMode}-revoked`);
      expect((await notify(h.notification(payment))).status).toBe(204);
      expect(await settledStatus(payment.transactionId)).toBe('resolved');
      expect(h.sandbox.issuedTokens()).toHaveLength(3);
    });

    it('retries busy, 502 and reset lookups, and records a terminal 40003', async () => {
      h.sandbox.failNext('busy', 'http5xx', 'reset');
      const retried = h.pay(`o-secrets-${tokenMode}-retried`);
      expect((await notify(h.notification(retried))).status).toBe(204);
      expect(await settledStatus(retried.transactionId)).toBe('resolved');

      h.sandbox.failNext({ errcode: 40003 });
      const failed = h.pay(`o-secrets-${tokenMode}-failed`);
      expect((await notify(h.notification(failed))).status).toBe(204);
      expect(await settledStatus(failed.transactionId)).toBe('failed');

      await read(`/unionids/${retried.openid}`);
      await read(`/unionids/${failed.openid}`);
      await read('/health');
      await read('/no-such-route');
    });

    it('rejects every kind of forged notification', async () => {
      const payment = h.pay(`o-secrets-${tokenMode}-forged`);
      for (const fixture of forgeries(h, payment)) {
        const { status } = await notify(fixture);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }
      expect((await read(`/payments/${payment.transactionId}`)).status).toBe(404);
    });

    it('never printed or answered the AppSecret, an access_token, the APIv3 key or a private key', () => {
      const secrets: Array<[string, string]> = [
        ['the AppSecret', h.env.WECHAT_SECRET],
        ['the APIv3 key', h.env.WECHATPAY_APIV3_KEY],
        ...h.sandbox
          .issuedTokens()
          .map((token, i): [string, string] => [`access_token #${i + 1}`, token]),
        ...PRIVATE_KEYS.flatMap(([name, pem]) =>
          pemBodyLines(pem).map((line, i): [string, string] => [`${name} (line ${i + 1})`, line]),
        ),
      ];

      // The checks below mean something only if the secrets were in play and the output captured.
      expect(h.sandbox.issuedTokens()).toHaveLength(3);
      const sentSecret = h.sandbox
        .requests()
        .some(
          (r) => r.query.secret === h.env.WECHAT_SECRET || r.body.includes(h.env.WECHAT_SECRET),
        );
      expect(sentSecret).toBe(true);
      expect(h.logs.lines.some((line) => line.startsWith('debug '))).toBe(true);
      expect(h.logs.lines.filter((line) => line.startsWith('warn ')).length).toBeGreaterThanOrEqual(
        14,
      );
      expect(answers.length).toBeGreaterThan(20);

      const leaks: string[] = [];
      for (const [name, secret] of secrets) {
        h.logs.lines.forEach((line, i) => {
          if (line.includes(secret)) leaks.push(`${name} in log line ${i + 1}`);
        });
        answers.forEach((answer, i) => {
          if (answer.includes(secret)) leaks.push(`${name} in HTTP answer ${i + 1}`);
        });
      }
      expect(leaks).toEqual([]);
    });
  },
);

/**
 * The built app as a process (`npm run build:app`), so that what reaches stdout and stderr is
 * checked as printed, in both log formats: a failing token endpoint, connection resets (axios
 * errors) on both endpoints, every kind of rejected notification, a terminal errcode, and a
 * start-up stopped by a bad variable.
 */
describe.each(['text', 'json'])(
  'payment-notify process (LOG_FORMAT=%s): no secret in any output line',
  (format) => {
    let sandbox: WechatSandbox;
    let env: Record<string, string>;
    let dir: string;
    const running: AppProcess[] = [];

    beforeAll(async () => {
      sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
      // classic mode sends the AppSecret in the token URL's query: the riskier one to log.
      ({ env, dir } = sandboxEnvironment(sandbox, {
        LOG_LEVEL: 'verbose',
        LOG_FORMAT: format,
        WECHAT_TOKEN_MODE: 'classic',
      }));
    });
    afterAll(async () => {
      running.splice(0).forEach((app) => app.kill('SIGKILL'));
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints every failure without the AppSecret, the APIv3 key or an access_token', async () => {
      const { app, url } = await AppProcess.start(env);
      running.push(app);
      const post = (fixture: WechatPayNotificationFixture) =>
        fetch(`${url}/wechatpay/notify`, {
          method: 'POST',
          headers: fixture.headers,
          body: fixture.body,
        });
      const settled = async (transactionId: string): Promise<PaymentBody> => {
        for (let round = 0; round < 400; round++) {
          const response = await fetch(`${url}/payments/${transactionId}`, {
            headers: SANDBOX_READ_HEADERS,
          });
          const body = response.status === 200 ? ((await response.json()) as PaymentBody) : null;
          if (body && body.status !== 'pending') return body;
          await sleep(50);
        }
        throw new Error(`payment ${transactionId} did not settle`);
      };
      const pay = (openid: string) =>
        sandbox.registerPayment({ openid, appId: SANDBOX_APP.appId, paidAt: Date.now() });
      const notificationOf = PaymentNotifyHarness.notificationOf;

      // The token endpoint refuses the AppSecret (40125) until the fault is cleared.
      sandbox.setFaults({ tokenError: { errcode: 40125 } });
      const refused = pay(`o-secrets-process-${format}-40125`);
      expect((await post(notificationOf(refused))).status).toBe(204);
      while (sandbox.counters().tokenCalls.total < 2) await sleep(20);
      sandbox.setFaults({});
      expect((await settled(refused.transactionId)).status).toBe('resolved');

      // Connection resets: on a lookup, then on every attempt of one token fetch, which gives up.
      sandbox.revokeAllTokens();
      sandbox.failNext('reset');
      sandbox.failNextToken('reset', 'reset', 'reset', 'reset');
      const reset = pay(`o-secrets-process-${format}-reset`);
      expect((await post(notificationOf(reset))).status).toBe(204);
      expect((await settled(reset.transactionId)).status).toBe('resolved');

      sandbox.failNext({ errcode: 40003 });
      const invalid = pay(`o-secrets-process-${format}-40003`);
      expect((await post(notificationOf(invalid))).status).toBe(204);
      expect((await settled(invalid.transactionId)).error?.errcode).toBe(40003);

      const forged = pay(`o-secrets-process-${format}-forged`);
      const rejections = forgeries({ notification: notificationOf }, forged);
      for (const fixture of rejections) {
        const response = await post(fixture);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      app.kill('SIGTERM');
      await expect(app.exit()).resolves.toEqual({ code: 0, signal: null });

      // A configuration error, with the real secrets (and a database password) in the environment.
      const { WECHATPAY_MCHID: _mchid, ...withoutMchid } = env;
      const misconfigured = AppProcess.spawn({
        ...withoutMchid,
        DATABASE_URL: 'mysql://payments:db-password-0123456789@db.example/payments',
      });
      running.push(misconfigured);
      await expect(misconfigured.exit()).resolves.toMatchObject({ code: 1 });

      const lines = [...app.output, ...misconfigured.output];
      // The paths were taken and their lines captured.
      const printed = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
      expect(printed(/40125/)).toBeGreaterThanOrEqual(1);
      expect(printed(/ECONNRESET|socket hang up/)).toBeGreaterThanOrEqual(2);
      expect(printed(/Notification rejected/)).toBe(rejections.length);
      expect(printed(/errcode 40003/)).toBe(1);
      expect(printed(/WECHATPAY_MCHID is required/)).toBe(1);
      expect(sandbox.issuedTokens().length).toBeGreaterThanOrEqual(2);
      if (format === 'json') {
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      }

      const secrets: Array<[string, string]> = [
        ['the AppSecret', env.WECHAT_SECRET],
        ['the APIv3 key', env.WECHATPAY_APIV3_KEY],
        ['the database password', 'db-password-0123456789'],
        ...sandbox
          .issuedTokens()
          .map((token, i): [string, string] => [`access_token #${i + 1}`, token]),
        ...PRIVATE_KEYS.flatMap(([name, pem]) =>
          pemBodyLines(pem).map((line, i): [string, string] => [`${name} (line ${i + 1})`, line]),
        ),
      ];
      const leaks = secrets.flatMap(([name, secret]) =>
        lines.flatMap((line, i) => (line.includes(secret) ? [`${name} in line ${i + 1}`] : [])),
      );
      expect(leaks).toEqual([]);
    });
  },
);
