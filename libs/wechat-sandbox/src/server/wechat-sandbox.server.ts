import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppRegistry } from './app.registry';
import { CONTROL_PREFIX, handleControl } from './control-api.handler';
import { FaultInjector } from './fault.injector';
import { BodyTooLargeError, parseQuery, readBody, sendJson, splitUrl } from './http-io.util';
import type {
  SandboxAppConfig,
  SandboxClock,
  SandboxCounters,
  SandboxFaultKind,
  SandboxFaults,
  SandboxPayment,
  SandboxPaymentInput,
  SandboxRequestRecord,
  WechatSandboxOptions,
} from './interfaces';
import { handlePaidUnionid } from './paid-unionid.handler';
import { PaymentRegistry } from './payment.registry';
import { ManualSandboxClock } from './sandbox.clock';
import type { SandboxContext, SandboxExchange, SandboxHandler } from './sandbox.context';
import { SandboxCountersRecorder } from './sandbox-counters.recorder';
import {
  checkAppConfig,
  checkFaultKinds,
  checkFaults,
  checkOptions,
  checkPaymentInput,
} from './sandbox-input.validator';
import { handleClassicToken, handleStableToken } from './token.handler';
import { TokenRegistry } from './token.registry';
import { wechatError } from './wechat-error.util';

const WECHAT_ROUTES: Readonly<Record<string, SandboxHandler>> = {
  '/cgi-bin/token': handleClassicToken,
  '/cgi-bin/stable_token': handleStableToken,
  '/wxa/getpaidunionid': handlePaidUnionid,
};

const stopListeners = new WeakMap<WechatSandbox, Array<() => void>>();

/** Internal: runs `listener` once `sandbox` has stopped (used by the CLI to drop its signal handlers). */
export function onSandboxStopped(sandbox: WechatSandbox, listener: () => void): void {
  stopListeners.get(sandbox)?.push(listener);
}

/**
 * A local simulator of the WeChat server endpoints a mini program backend calls:
 * `/cgi-bin/token`, `/cgi-bin/stable_token` and `/wxa/getpaidunionid`, with a controllable clock,
 * fault injection, counters and a control API under `/__sandbox/`.
 *
 * @example
 * const sandbox = await WechatSandbox.start({ apps: [{ appId: 'wx1', secret: 's1' }] });
 * const payment = sandbox.registerPayment({ openid: 'o-payer' });
 * // ... point the code under test at sandbox.url ...
 * await sandbox.stop();
 *
 * @publicApi
 */
export class WechatSandbox {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** The sandbox clock: token expiry and the 5-minute getpaidunionid window follow it. */
  readonly clock: SandboxClock;

  private readonly sockets = new Set<Socket>();
  private readonly stopController = new AbortController();
  private readonly log: SandboxRequestRecord[] = [];
  private stopping?: Promise<void>;

  private constructor(
    private readonly server: Server,
    private readonly ctx: SandboxContext,
  ) {
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('the sandbox server is not listening on a TCP port');
    }
    this.port = address.port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.clock = ctx.clock;
  }

  /** Starts a sandbox on `127.0.0.1` (ephemeral port unless `options.port` is set). */
  static async start(options?: WechatSandboxOptions): Promise<WechatSandbox> {
    const checked = checkOptions(options);
    const clock = new ManualSandboxClock(checked.startTime);
    const apps = new AppRegistry(checked.apps, checked.cloudAppId);
    const ctx: SandboxContext = {
      clock,
      apps,
      tokens: new TokenRegistry(clock, checked.tokenTtlSeconds),
      payments: new PaymentRegistry(clock, () => apps.defaultAppId()),
      faults: new FaultInjector(checked.seed),
      counters: new SandboxCountersRecorder(),
    };
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(checked.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const sandbox = new WechatSandbox(server, ctx);
    stopListeners.set(sandbox, []);
    server.on('connection', (socket: Socket) => sandbox.track(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void sandbox.handle(req, res);
    });
    return sandbox;
  }

  /** Closes the server and destroys every open socket, hung requests included. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.stopController.abort();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    }).then(() => {
      const listeners = stopListeners.get(this) ?? [];
      stopListeners.delete(this);
      for (const listener of listeners) listener();
    });
    return this.stopping;
  }

  /** Adds an app to the token endpoints, or replaces the config of the app with that appId. */
  addApp(app: SandboxAppConfig): void {
    this.ctx.apps.add(checkAppConfig(app));
  }

  /** Makes a payment known to getpaidunionid; unset fields get defaults. */
  registerPayment(input: SandboxPaymentInput): SandboxPayment {
    return this.ctx.payments.register(checkPaymentInput(input));
  }

  /** Replaces the standing faults; `setFaults({})` clears them (and releases hung requests). */
  setFaults(faults: SandboxFaults): void {
    this.ctx.faults.set(checkFaults(faults));
  }

  /** Queues faults for the next getpaidunionid calls, one per call, before the rates apply. */
  failNext(...kinds: SandboxFaultKind[]): void {
    this.ctx.faults.enqueueLookupFaults(checkFaultKinds(kinds));
  }

  /** Queues faults for the next token calls (classic or stable), one per call. */
  failNextToken(...kinds: SandboxFaultKind[]): void {
    this.ctx.faults.enqueueTokenFaults(checkFaultKinds(kinds));
  }

  /** Every token issued so far answers `40001` from now on. */
  revokeAllTokens(): void {
    this.ctx.tokens.revokeAll();
  }

  /** A snapshot copy of the counters. */
  counters(): SandboxCounters {
    return this.ctx.counters.snapshot();
  }

  /** Sets every counter back to zero (the request log is kept). */
  resetCounters(): void {
    this.ctx.counters.reset();
  }

  /** Every request received so far, in order (raw: includes secrets and tokens as sent). */
  requests(): SandboxRequestRecord[] {
    return this.log.map((record) => ({ ...record, query: { ...record.query } }));
  }

  /** Every access token issued so far, in order (for leak checks). */
  issuedTokens(): string[] {
    return this.ctx.tokens.issued();
  }

  private track(socket: Socket): void {
    if (this.sockets.has(socket) || socket.destroyed) return;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.stopController.signal.aborted) socket.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.track(req.socket);
    try {
      const { path, rawQuery } = splitUrl(req.url);
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      const query = parseQuery(rawQuery);
      this.log.push({ method, path, query, rawQuery, body, at: this.ctx.clock.now() });
      const exchange: SandboxExchange = {
        req,
        res,
        method,
        path,
        query,
        body,
        stopSignal: this.stopController.signal,
      };
      if (path.startsWith(CONTROL_PREFIX)) {
        handleControl(this, exchange);
        return;
      }
      const handler = Object.prototype.hasOwnProperty.call(WECHAT_ROUTES, path)
        ? WECHAT_ROUTES[path]
        : undefined;
      if (handler) await handler(this.ctx, exchange);
      else sendJson(res, 404, wechatError(-1, this.ctx.clock.now(), 'not found'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        sendJson(res, 413, wechatError(-1, this.ctx.clock.now(), 'request body too large'));
        return;
      }
      sendJson(res, 500, wechatError(-1, this.ctx.clock.now()));
    }
  }
}
