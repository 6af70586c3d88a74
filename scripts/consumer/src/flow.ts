// The consumer check's driver: sandbox (its `wechat-sandbox` command) + this app (dist/main.js),
// one signed notification in, the unionid out through onResolved. Usage:
//   node dist/flow.js express|fastify sqlite:/tmp/.../app.sqlite
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
  type SandboxPayment,
} from '@wxpay-unionid/wechat-sandbox';
import type { PaidUnionIdResolvedEvent } from '@wxpay-unionid/nestjs-paid-unionid-capture';

const TIMEOUT_MS = 30_000;
const APP_SECRET = 'consumer-check-app-secret';

/** A child process whose stdout lines can be awaited. */
class Child {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<() => void>();
  private exit: string | undefined;
  readonly exited: Promise<string>;

  constructor(
    private readonly name: string,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.listeners.forEach((listener) => listener());
    });
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = signal ?? `exit code ${code}`;
        this.listeners.forEach((listener) => listener());
        resolve(this.exit);
      });
    });
  }

  /** The first line (already printed or to come) that `match` maps to a value. */
  waitFor<T>(what: string, match: (line: string) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (): void => {
        for (const line of this.lines) {
          const value = match(line);
          if (value !== undefined) {
            done();
            resolve(value);
            return;
          }
        }
        if (this.exit !== undefined) {
          done();
          reject(new Error(`${this.name} ended (${this.exit}) before ${what}:\n${this.output()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${what} within ${TIMEOUT_MS} ms:\n${this.output()}`));
      }, TIMEOUT_MS);
      this.listeners.add(check);
      check();
    });
  }

  /** SIGTERM, then how it ended: a clean exit or the re-raised SIGTERM of Nest's shutdown hooks. */
  async stop(): Promise<string> {
    if (this.exit === undefined) this.child.kill('SIGTERM');
    const ended = await this.exited;
    if (ended !== 'exit code 0' && ended !== 'SIGTERM') {
      throw new Error(`${this.name} did not stop cleanly (${ended}):\n${this.output()}`);
    }
    return ended;
  }

  private output(): string {
    return this.lines.map((line) => `  ${line}`).join('\n');
  }
}

function json<T>(line: string): T | undefined {
  try {
    return line.startsWith('{') ? (JSON.parse(line) as T) : undefined;
  } catch {
    return undefined;
  }
}

async function request<T>(url: string, body?: unknown): Promise<T> {
  const res = await fetch(
    url,
    body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

function versionOf(name: string): string {
  const manifest = join(process.cwd(), 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

async function main(): Promise<void> {
  const [platform = 'express', database = 'sqlite:./data/consumer.sqlite'] = process.argv.slice(2);
  const bin = join(process.cwd(), 'node_modules', '.bin', 'wechat-sandbox');
  const sandbox = new Child(
    'wechat-sandbox',
    spawn(bin, ['--port', '0', '--app', `${TEST_MERCHANT.appId}:${APP_SECRET}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  try {
    const sandboxUrl = await sandbox.waitFor(
      'its listening line',
      (line) => /^WeChat sandbox listening on (http:\/\/\S+)$/.exec(line)?.[1],
    );
    const payment = await request<SandboxPayment>(`${sandboxUrl}/__sandbox/payments`, {
      openid: `o-consumer-${platform}-${process.pid}`,
      appId: TEST_MERCHANT.appId,
      mchId: TEST_MERCHANT.mchId,
    });

    const app = new Child(
      `app (${platform})`,
      spawn(process.execPath, [join(__dirname, 'main.js')], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PLATFORM: platform,
          WECHAT_APPID: TEST_MERCHANT.appId,
          WECHAT_SECRET: APP_SECRET,
          WECHAT_API_BASE_URL: sandboxUrl,
          WECHATPAY_MCHID: TEST_MERCHANT.mchId,
          WECHATPAY_APIV3_KEY: TEST_MERCHANT.apiV3Key,
          WECHATPAY_PUBLIC_KEY_ID: TEST_WECHATPAY_PUBLIC_KEY.id,
          WECHATPAY_PUBLIC_KEY_PEM: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem,
          DATABASE: database,
        },
      }),
    );
    try {
      const port = await app.waitFor(
        'its listening line',
        (line) => json<{ listening?: number }>(line)?.listening,
      );
      const appUrl = `http://127.0.0.1:${port}`;

      const notification = buildWechatPayNotification({
        apiV3Key: TEST_MERCHANT.apiV3Key,
        signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
        appid: payment.appId,
        mchid: payment.mchId,
        transaction_id: payment.transactionId,
        out_trade_no: payment.outTradeNo,
        payer: { openid: payment.openid },
      });
      const posted = Date.now();
      const answer = await fetch(`${appUrl}/wechatpay/notify`, {
        method: 'POST',
        headers: notification.headers,
        body: notification.body,
      });
      if (answer.status !== 204 && answer.status !== 200) {
        throw new Error(`POST /wechatpay/notify answered ${answer.status}: ${await answer.text()}`);
      }

      const resolved = await app.waitFor(
        'onResolved',
        (line) => json<{ resolved?: PaidUnionIdResolvedEvent }>(line)?.resolved,
      );
      const elapsed = Date.now() - posted;
      if (
        resolved.transactionId !== payment.transactionId ||
        resolved.unionid !== payment.unionid
      ) {
        throw new Error(
          `onResolved got ${JSON.stringify(resolved)}, expected ${JSON.stringify(payment)}`,
        );
      }
      const status = await request<{ status: string; unionid: string | null }>(
        `${appUrl}/payments/${payment.transactionId}`,
      );
      const byOpenid = await request<{ unionid: string }>(
        `${appUrl}/payments/by-openid/${payment.openid}`,
      );
      if (
        status.status !== 'resolved' ||
        status.unionid !== payment.unionid ||
        byOpenid.unionid !== payment.unionid
      ) {
        throw new Error(`PaidUnionIdCapture answered ${JSON.stringify({ status, byOpenid })}`);
      }

      // The subpath export loads too (what a custom store's spec imports).
      const testing = await import('@wxpay-unionid/nestjs-paid-unionid-capture/testing');
      if (typeof testing.describePaidUnionIdStore !== 'function') {
        throw new Error(
          '@wxpay-unionid/nestjs-paid-unionid-capture/testing has no describePaidUnionIdStore',
        );
      }

      const stopped = await app.stop();
      console.log(
        `ok  Nest ${versionOf('@nestjs/core')} ${platform}: 204, onResolved unionid ${resolved.unionid} ` +
          `${elapsed} ms after the notification; app stopped (${stopped})`,
      );
    } finally {
      await app.stop().catch(() => undefined);
    }
  } finally {
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
