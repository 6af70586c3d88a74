import { TEST_MERCHANT, WechatSandbox } from '@app/wechat-sandbox';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import {
  SANDBOX_APP,
  SANDBOX_READ_HEADERS,
  sandboxEnvironment,
} from '../apps/payment-notify/src/testing';
import { AppProcess } from './support/app-process';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

/** What became of a hostile connection: the bytes the server answered, once it closed. */
interface Outcome {
  answer: string;
}

/**
 * Slow and oversized clients against the built app over real sockets: every stalled connection
 * is answered 408 or closed by the server (the test fails on its own timeout if one stays open),
 * oversized bodies are refused without being read whole, and a real notification goes through
 * while the stalled connections are still open.
 */
describe('payment-notify: slow and oversized clients', () => {
  let sandbox: WechatSandbox;
  let app: AppProcess;
  let url: string;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP] });
    const environment = sandboxEnvironment(sandbox, { LOG_LEVEL: 'log' });
    dir = environment.dir;
    ({ app, url } = await AppProcess.start(environment.env));
    port = Number(new URL(url).port);
  });

  afterAll(async () => {
    app.kill('SIGTERM');
    await app.exit();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a connection, lets `drive` write to it, and resolves once the server closes it. */
  function hostile(drive: (socket: Socket) => void): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', () => undefined); // a reset is a close too
      socket.on('close', () => resolve({ answer }));
      socket.on('connect', () => {
        try {
          drive(socket);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  }

  const head = (extra: string) =>
    `POST /wechatpay/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}`;

  /** Writes one byte every `everyMs` until the server closes the socket. */
  const drip = (socket: Socket, text: string, everyMs: number) => {
    let at = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || socket.writableEnded) return clearInterval(timer);
      socket.write(text[at % text.length]);
      at++;
    }, everyMs);
    socket.on('close', () => clearInterval(timer));
  };

  it('closes stalled and dripping requests while real notifications go through', async () => {
    const stalled: Array<Promise<Outcome>> = [];
    for (let i = 0; i < 10; i++) {
      // Headers, then part of a declared 60,000-byte body, then nothing.
      stalled.push(
        hostile((socket) => socket.write(`${head('Content-Length: 60000\r\n\r\n')}{"id":"`)),
      );
      // Headers never finished.
      stalled.push(hostile((socket) => socket.write(head('X-Slow: 1\r\n'))));
      // A byte of header every 2 s: never idle, never complete.
      stalled.push(
        hostile((socket) => {
          socket.write(head(''));
          drip(socket, `X-Drip: ${'a'.repeat(40)}`, 2_000);
        }),
      );
      // A byte of body every 2 s.
      stalled.push(
        hostile((socket) => {
          socket.write(head('Content-Length: 60000\r\n\r\n'));
          drip(socket, 'x', 2_000);
        }),
      );
    }
    // A connection that never says anything.
    stalled.push(hostile(() => undefined));

    // Meanwhile WeChat's real notification is taken and looked up.
    const payment = sandbox.registerPayment({
      paidAt: Date.now(),
      openid: 'o-slow-clients',
      appId: TEST_MERCHANT.appId,
      mchId: TEST_MERCHANT.mchId,
    });
    const fixture = PaymentNotifyHarness.notificationOf(payment);
    const response = await fetch(`${url}/wechatpay/notify`, {
      method: 'POST',
      headers: fixture.headers,
      body: fixture.body,
    });
    expect(response.status).toBe(204);
    for (let round = 0; round < 200; round++) {
      const view = await fetch(`${url}/payments/${payment.transactionId}`, {
        headers: SANDBOX_READ_HEADERS,
      });
      if (view.status === 200 && ((await view.json()) as { status: string }).status !== 'pending')
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sandbox.counters().successfulLookupsByTransaction[payment.transactionId]).toBe(1);

    // Every hostile connection ends from the server side: 408 or a plain close, never a 2xx.
    const outcomes = await Promise.all(stalled);
    const answers = new Set(outcomes.map(({ answer }) => answer.split('\r\n')[0]));
    answers.delete('HTTP/1.1 408 Request Timeout');
    answers.delete('');
    expect([...answers]).toEqual([]);
  }, 90_000);

  it('refuses a declared body over 64 KiB at once, before any of it is sent', async () => {
    const { answer } = await hostile((socket) =>
      socket.write(head(`Content-Length: ${1024 * 1024}\r\n\r\n`)),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('refuses a chunked body once it passes 64 KiB', async () => {
    // Far more than loopback socket buffers can hold (send + receive autotune to ~10 MiB at most),
    // so a close before the end proves the server stopped reading.
    const total = 16 * 1024 * 1024;
    let sent = 0;
    let answered = false;
    const { answer } = await hostile((socket) => {
      socket.once('data', () => (answered = true));
      socket.write(head('Transfer-Encoding: chunked\r\n\r\n'));
      const chunk = `${(4096).toString(16)}\r\n${'x'.repeat(4096)}\r\n`;
      // One chunk at a time, and none once the answer began.
      const pump = () => {
        if (answered || socket.destroyed || sent >= total) return;
        sent += 4096;
        socket.write(chunk, () => setImmediate(pump));
      };
      pump();
    });
    // The server answers 413 and closes. When our next chunks already sit unread in its receive
    // buffer, its kernel resets the connection instead and drops the queued 413: then the
    // refusal shows as a close before the body ended. Never a read to the end, never a 2xx.
    if (answer === '') {
      expect(sent).toBeLessThan(total);
    } else {
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    }
  });
});
