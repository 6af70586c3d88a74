import { setMaxListeners } from 'node:events';
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
  SandboxComponentAuthorizationInput,
  SandboxComponentAuthorizationResult,
  SandboxComponentConfig,
  SandboxComponentPushOutcome,
  SandboxComponentTicketPush,
  SandboxComponentUnauthorizationInput,
  SandboxComponentUnauthorizationResult,
  SandboxCounters,
  SandboxFaultKind,
  SandboxFaults,
  SandboxPayment,
  SandboxPaymentInput,
  SandboxRequestRecord,
  WechatSandboxOptions,
} from './interfaces';
import { IssuedTokenLog } from './issued-token.log';
import { handlePaidUnionid } from './paid-unionid.handler';
import { PaymentRegistry } from './payment.registry';
import { AuthorizationRegistry } from './platform/authorization.registry';
import {
  handleAuthorizerList,
  handleAuthorizerToken,
  handleQueryAuth,
} from './platform/authorizer.handler';
import {
  checkAuthorizationInput,
  checkPushUrl,
  checkUnauthorizationInput,
} from './platform/component-input.validator';
import { ComponentPlatform } from './platform/component-platform';
import { ComponentRegistry } from './platform/component.registry';
import { handleComponentToken, handleCreatePreAuthCode } from './platform/component-token.handler';
import { ManualSandboxClock } from './sandbox.clock';
import type { SandboxContext, SandboxExchange, SandboxHandler } from './sandbox.context';
import { SandboxCountersRecorder } from './sandbox-counters.recorder';
import {
  checkAppConfig,
  checkComponentConfig,
  checkFaultKinds,
  checkFaults,
  checkOptions,
  checkPaymentInput,
  nonEmptyString,
} from './sandbox-input.validator';
import { handleClassicToken, handleStableToken } from './token.handler';
import { TokenRegistry } from './token.registry';
import { wechatError } from './wechat-error.util';

const WECHAT_ROUTES: Readonly<Record<string, SandboxHandler>> = {
  '/cgi-bin/token': handleClassicToken,
  '/cgi-bin/stable_token': handleStableToken,
  '/wxa/getpaidunionid': handlePaidUnionid,
  '/cgi-bin/component/api_component_token': handleComponentToken,
  '/cgi-bin/component/api_create_preauthcode': handleCreatePreAuthCode,
  '/cgi-bin/component/api_query_auth': handleQueryAuth,
  '/cgi-bin/component/api_authorizer_token': handleAuthorizerToken,
  '/cgi-bin/component/api_get_authorizer_list': handleAuthorizerList,
};

const stopListeners = new WeakMap<WechatSandbox, Array<() => void>>();

/** Internal: runs `listener` once `sandbox` has stopped (used by the CLI to drop its signal handlers). */
export function onSandboxStopped(sandbox: WechatSandbox, listener: () => void): void {
  stopListeners.get(sandbox)?.push(listener);
}

/**
 * A local simulator of the WeChat server endpoints a mini program backend calls:
 * `/cgi-bin/token`, `/cgi-bin/stable_token` and `/wxa/getpaidunionid`, and those of a WeChat Open
 * Platform third-party platform (`/cgi-bin/component/*`, ticket and authorisation pushes), with a
 * controllable clock, fault injection, counters and a control API under `/__sandbox/`.
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
  private readonly platform: ComponentPlatform;
  private stopping?: Promise<void>;

  private constructor(
    private readonly server: Server,
    private readonly ctx: SandboxContext,
    private readonly issuedTokenLog: IssuedTokenLog,
  ) {
    // Every delayed or hung request waits on this one signal: hundreds at once are expected.
    setMaxListeners(0, this.stopController.signal);
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('the sandbox server is not listening on a TCP port');
    }
    this.port = address.port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.clock = ctx.clock;
    this.platform = new ComponentPlatform(ctx, this.stopController.signal);
  }

  /** Starts a sandbox on `127.0.0.1` (ephemeral port unless `options.port` is set). */
  static async start(options?: WechatSandboxOptions): Promise<WechatSandbox> {
    const checked = checkOptions(options);
    const clock = new ManualSandboxClock(checked.startTime);
    const apps = new AppRegistry(checked.apps, checked.cloudAppId);
    const issued = new IssuedTokenLog();
    const components = new ComponentRegistry(clock, checked.tokenTtlSeconds, issued);
    for (const component of checked.components) components.add(component);
    const ctx: SandboxContext = {
      clock,
      apps,
      tokens: new TokenRegistry(clock, checked.tokenTtlSeconds, issued),
      payments: new PaymentRegistry(clock, () => apps.defaultAppId()),
      faults: new FaultInjector(checked.seed),
      counters: new SandboxCountersRecorder(),
      components,
      authorizations: new AuthorizationRegistry(clock, checked.tokenTtlSeconds, issued),
    };
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(checked.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const sandbox = new WechatSandbox(server, ctx, issued);
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

  /** Queues faults for the next third-party platform (`/cgi-bin/component/*`) calls, one per call. */
  failNextComponent(...kinds: SandboxFaultKind[]): void {
    this.ctx.faults.enqueueComponentFaults(checkFaultKinds(kinds));
  }

  /**
   * Every token issued so far (access, component and authorizer tokens) answers `40001` from now
   * on. Authorizer refresh tokens keep working.
   */
  revokeAllTokens(): void {
    this.ctx.tokens.revokeAll();
    this.ctx.components.revokeAllTokens();
    this.ctx.authorizations.revokeAllTokens();
  }

  /** Adds a third-party platform, or replaces the config of the one with that `componentAppId`. */
  addComponent(config: SandboxComponentConfig): void {
    this.platform.add(checkComponentConfig(config));
  }

  /**
   * Issues a new `component_verify_ticket` (valid 12 h of sandbox clock) **without** pushing it,
   * for tests that put the ticket into the code under test themselves.
   */
  issueComponentTicket(componentAppId: string): string {
    return this.platform.issueTicket(nonEmptyString(componentAppId, 'componentAppId'));
  }

  /**
   * Issues a new `component_verify_ticket` and POSTs it, encrypted and signed, to `url` (default:
   * the URL set with `setComponentEventUrl`). Resolves to the ticket and the receiver's answer;
   * rejects with `SandboxComponentPushError` when the receiver does not answer (the ticket is
   * valid all the same).
   */
  async pushComponentTicket(
    componentAppId: string,
    url?: string,
  ): Promise<SandboxComponentTicketPush> {
    return this.platform.pushTicket(
      nonEmptyString(componentAppId, 'componentAppId'),
      url === undefined ? undefined : checkPushUrl(url),
    );
  }

  /**
   * Sets the platform's authorisation-event URL (授权事件接收URL), or removes it with `null`:
   * the default target of every push, and from now on a new ticket is pushed there each time the
   * sandbox clock reaches another 10 minutes since this call (one push per `advance` / `set`,
   * however many marks it crosses). `settleComponentPushes()` awaits those pushes.
   */
  setComponentEventUrl(componentAppId: string, url: string | null): void {
    this.platform.setEventUrl(
      nonEmptyString(componentAppId, 'componentAppId'),
      url === null ? undefined : checkPushUrl(url),
    );
  }

  /** Awaits the automatic ticket pushes started since the last call; resolves to their outcomes. */
  settleComponentPushes(): Promise<SandboxComponentPushOutcome[]> {
    return this.platform.settlePushes();
  }

  /**
   * The mini program `authorizerAppId` authorises the platform with `funcIds` (default `[18]`):
   * creates an authorisation code (10 minutes, single use) and, when a URL is known, pushes
   * `InfoType=authorized`. Throws if the app currently authorises the platform already.
   */
  async authorizeComponent(
    input: SandboxComponentAuthorizationInput,
  ): Promise<SandboxComponentAuthorizationResult> {
    return this.platform.authorize(checkAuthorizationInput(input));
  }

  /**
   * An authorised mini program changes its permission sets: a new authorisation code and, when a
   * URL is known, `InfoType=updateauthorized`. The refresh token stays.
   */
  async updateComponentAuthorization(
    input: SandboxComponentAuthorizationInput,
  ): Promise<SandboxComponentAuthorizationResult> {
    return this.platform.updateAuthorization(checkAuthorizationInput(input));
  }

  /**
   * The mini program revokes the authorisation: its refresh token (`61003`), authorizer tokens
   * (`40001`) and unused codes (`61009`) stop working; when a URL is known,
   * `InfoType=unauthorized` is pushed.
   */
  async unauthorizeComponent(
    input: SandboxComponentUnauthorizationInput,
  ): Promise<SandboxComponentUnauthorizationResult> {
    return this.platform.unauthorize(checkUnauthorizationInput(input));
  }

  /**
   * The next `api_authorizer_token` for this authorisation answers a new refresh token; from then
   * on the old one answers `61023`. (By default refresh tokens never change.)
   */
  rotateAuthorizerRefreshToken(componentAppId: string, authorizerAppId: string): void {
    this.platform.rotateRefreshToken(
      nonEmptyString(componentAppId, 'componentAppId'),
      nonEmptyString(authorizerAppId, 'authorizerAppId'),
    );
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

  /**
   * Every token issued so far, in order (for leak checks): access tokens, `component_access_token`s,
   * `authorizer_access_token`s and authorizer refresh tokens.
   */
  issuedTokens(): string[] {
    return this.issuedTokenLog.list();
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
        await handleControl(this, exchange);
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
