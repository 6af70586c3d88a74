import {
  buildWechatPayNotification,
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  toWechatPayTime,
  WechatSandbox,
  type SandboxPayment,
} from '@app/wechat-sandbox';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  SANDBOX_APP,
  SANDBOX_READ_API_TOKEN,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../../payment-notify/src/testing';
import { parseDemoOptions } from './demo-options';
import { percentile, progress, table } from './terminal';

const APP_ENTRY = join(__dirname, '../../../../payment-notify/apps/payment-notify/src/main.js');

interface PaymentState {
  status: 'pending' | 'resolved' | 'failed';
  unionid: string | null;
  error: { errcode: number | null; errmsg: string } | null;
}

/**
 * The main job on embedded defaults: a WeChat sandbox, the app on a temp SQLite file, a batch of
 * payments notified like WeChat Pay would, and a table of the unionids obtained.
 */
async function main(): Promise<number> {
  const options = parseDemoOptions(process.argv.slice(2));
  const sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
  sandbox.setFaults({ busyRate: options.busyRate });
  const { env, dir } = sandboxEnvironment(sandbox, {
    PORT: String(options.port),
    LOG_LEVEL: 'warn',
  });
  console.log(`WeChat sandbox on ${sandbox.url}; database ${env.DATABASE_URL}`);
  const app = spawn(process.execPath, [APP_ENTRY], {
    env: { ...process.env, ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await readyUrl(app);
    console.log(`payment-notify on ${url}`);
    const results = await run(url, sandbox, options.count);
    if (options.keep) {
      console.log(
        [
          '',
          "Still running. Try (the read routes need the demo's READ_API_TOKEN):",
          `  curl ${url}/health`,
          `  curl -H 'Authorization: Bearer ${SANDBOX_READ_API_TOKEN}' ${url}/payments/${results[0].payment.transactionId}`,
          `  curl -H 'Authorization: Bearer ${SANDBOX_READ_API_TOKEN}' ${url}/unionids/${results[0].payment.openid}`,
          'Ctrl-C to stop.',
        ].join('\n'),
      );
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
    return results.every((r) => r.state.status === 'resolved') ? 0 : 1;
  } finally {
    await stop();
  }
}

async function run(url: string, sandbox: WechatSandbox, count: number) {
  const payments = Array.from({ length: count }, (_, i) =>
    sandbox.registerPayment({
      openid: `o-demo-${String(i + 1).padStart(3, '0')}`,
      appId: SANDBOX_APP.appId,
    }),
  );
  const notifiedAt = new Map<string, number>();
  const settled = new Map<string, { state: PaymentState; ms: number }>();
  let sending = true;
  // Polls while notifications are still being sent, so each time is notify -> unionid.
  const polling = (async () => {
    const until = Date.now() + 6 * 60_000;
    while ((sending || settled.size < notifiedAt.size) && Date.now() < until) {
      const open = payments.filter(
        (p) => notifiedAt.has(p.transactionId) && !settled.has(p.transactionId),
      );
      await Promise.all(
        open.map(async (payment) => {
          const response = await fetch(`${url}/payments/${payment.transactionId}`, {
            headers: SANDBOX_READ_HEADERS,
          });
          const state = (await response.json()) as PaymentState;
          if (state.status !== 'pending') {
            settled.set(payment.transactionId, {
              state,
              ms: Date.now() - notifiedAt.get(payment.transactionId)!,
            });
          }
        }),
      );
      if (!sending) progress('lookups settled   ', settled.size, count);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  for (const payment of payments) {
    const fixture = notificationOf(payment);
    const response = await fetch(`${url}/wechatpay/notify`, {
      method: 'POST',
      headers: fixture.headers,
      body: fixture.body,
    });
    if (response.status !== 204) {
      throw new Error(`notification answered ${response.status}: ${await response.text()}`);
    }
    notifiedAt.set(payment.transactionId, Date.now());
    progress('notifications sent', notifiedAt.size, count);
  }
  sending = false;
  await polling;

  const results = payments.map((payment) => ({
    payment,
    state: settled.get(payment.transactionId)?.state ?? {
      status: 'pending' as const,
      unionid: null,
      error: null,
    },
    ms: settled.get(payment.transactionId)?.ms,
  }));
  console.log(
    `\n${table(
      ['transaction', 'openid', 'unionid', 'status', 'ms'],
      results.map(({ payment, state, ms }) => [
        payment.transactionId,
        payment.openid,
        state.unionid ?? `- (${state.error?.errcode ?? 'no errcode'})`,
        state.status,
        ms === undefined ? '-' : String(ms),
      ]),
    )}`,
  );
  const resolved = results.filter((r) => r.state.status === 'resolved');
  const times = resolved.map((r) => r.ms ?? 0);
  const counters = sandbox.counters();
  console.log(
    `\n${resolved.length}/${count} unionids resolved; notify to unionid p50 ${percentile(times, 50)} ms, ` +
      `p95 ${percentile(times, 95)} ms; ${counters.lookups} getpaidunionid calls, ` +
      `${counters.tokenCalls.total} access_token fetch(es)`,
  );
  return results;
}

function notificationOf(payment: SandboxPayment) {
  return buildWechatPayNotification({
    appid: payment.appId,
    mchid: TEST_MERCHANT.mchId,
    transaction_id: payment.transactionId,
    out_trade_no: payment.outTradeNo,
    payer: { openid: payment.openid },
    success_time: toWechatPayTime(payment.paidAt),
    apiV3Key: TEST_MERCHANT.apiV3Key,
    signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
  });
}

function readyUrl(app: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    app.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const ready = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(buffered);
      if (ready) {
        resolve(`http://127.0.0.1:${ready[1]}`);
      }
    });
    app.once('exit', (code) =>
      reject(new Error(`payment-notify exited with code ${code}:\n${buffered}`)),
    );
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
