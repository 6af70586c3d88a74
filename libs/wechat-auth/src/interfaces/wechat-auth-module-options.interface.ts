import type { ConfigurableModuleAsyncOptions, ModuleMetadata, Type } from '@nestjs/common';
import type { AccessTokenProvider } from '../access-token/access-token.provider';
import type { WechatComponentStore } from '../component/store/wechat-component.store';
import type { AccessTokenStore } from './access-token-store.interface';
import type { WechatAuthHooks } from './wechat-auth-hooks.interface';

/**
 * How an app obtains its access_token.
 * - `stable`: `POST /cgi-bin/stable_token` (WeChat's recommendation; safe from many instances).
 * - `classic`: `GET /cgi-bin/token` (each fetch replaces the previous token after 5 minutes).
 * - `cloud`: WeChat Cloud Hosting open-API service: no token is sent at all.
 * - `external`: the token comes from `externalToken` (e.g. a central token service).
 * - `component`: a mini program that authorised the third-party platform configured in
 *   `component`; its `authorizer_access_token` is kept by the module (never configured per app).
 *
 * @publicApi
 */
export type WechatTokenMode = 'stable' | 'classic' | 'cloud' | 'external' | 'component';

/**
 * A WeChat Open Platform third-party platform ("component") calling on behalf of the mini
 * programs that authorised it (permission set 18 for getpaidunionid). Every appId not listed in
 * `apps` is then taken as an authoriser. @publicApi
 */
export interface WechatComponentOptions {
  /** The third-party platform's appid (`wx` + 16 characters). */
  componentAppId: string;
  /** The platform's AppSecret (`component_appsecret`). Never logged. */
  componentSecret: string;
  /** Message token of the authorisation-event URL (signs every push). Never logged. */
  token: string;
  /** 43-character EncodingAESKey of the pushes. Never logged. */
  encodingAesKey: string;
  /**
   * The EncodingAESKey before the last change, tried when the current one fails (WeChat may still
   * encrypt with it for a while after a change in the console).
   */
  previousEncodingAesKey?: string;
  /**
   * Where the ticket and each authoriser's refresh token are kept. Use a durable, shared store
   * in production: `RedisWechatComponentStore`, or the capture module's database store.
   * @default an in-process store (lost at restart; a warning says so)
   */
  store?: WechatComponentStore;
}

/** A token handed over by an external source. @publicApi */
export interface ExternalAccessToken {
  accessToken: string;
  /** Seconds the token stays valid; without it the token is asked for again on every call. */
  expiresIn?: number;
}

/** Returns the current token of `appId` from somewhere else (e.g. a central token service). @publicApi */
export type ExternalTokenSource = (appId: string) => Promise<string | ExternalAccessToken>;

/** One mini program. @publicApi */
export interface WechatAppOptions {
  /** Mini program appid (`wx` + 16 characters). Optional in `cloud` mode. */
  appId?: string;
  /** AppSecret; required for `stable` and `classic`. Never logged. */
  secret?: string;
  /**
   * @default 'external' when `externalToken` (or the module's `accessTokenProvider`) is given,
   * else 'stable'
   */
  tokenMode?: WechatTokenMode;
  /**
   * WeChat API origin for this app. Must be `https:` in `stable` and `classic` modes (the
   * AppSecret travels to it), except for a loopback host (`localhost`, `127.0.0.0/8`, `::1`).
   * @default the module's `apiBaseUrl`; `http://api.weixin.qq.com` in `cloud` mode
   */
  apiBaseUrl?: string;
  /**
   * Token source for `external` mode (or swap the whole provider with `accessTokenProvider`).
   * Giving it implies `tokenMode: 'external'`; with another explicit `tokenMode` it is refused,
   * since it would never be called. What it throws reaches callers as `ExternalTokenSourceError`.
   */
  externalToken?: ExternalTokenSource;
}

/** Retry policy for transient failures (`-1`, HTTP 5xx, timeouts, connection errors). @publicApi */
export interface WechatRetryOptions {
  /**
   * Attempts per call when the caller gives no `deadline` (with a deadline, attempts continue
   * until the deadline). A token fetch always stops here; a deadline only cuts it shorter.
   * @default 4
   */
  maxAttempts?: number;
  /**
   * First backoff delay; doubles on each retry, with jitter.
   * @default 200
   */
  baseDelayMs?: number;
  /**
   * Upper bound of one backoff delay.
   * @default 3000
   */
  maxDelayMs?: number;
}

/**
 * What happens after a failed token fetch: for a while every call of that app rejects with the
 * same error without asking the token source again, so a wrong AppSecret or a missing IP
 * whitelist entry does not turn every call into a token request. @publicApi
 */
export interface WechatTokenFetchBackoffOptions {
  /**
   * Pause after the first failure; it doubles with each further failure. `0` turns the pause off.
   * A fetched token ends it and resets it to this value.
   * @default 2000
   */
  baseDelayMs?: number;
  /**
   * Longest pause.
   * @default 60000
   */
  maxDelayMs?: number;
}

/**
 * Options of `WechatAuthModule.forRoot()`. Either the single-app shorthand (`appId`, `secret`,
 * `tokenMode`) or `apps`.
 *
 * @publicApi
 */
export interface WechatAuthModuleOptions extends WechatAppOptions {
  /** Several mini programs; the first is the default when a call names no `appId`. */
  apps?: WechatAppOptions[];
  /**
   * Default WeChat API origin. Must be `https:` for `stable` and `classic` apps, except for a
   * loopback host (a local sandbox); plain `http:` suits `cloud` apps.
   * @default 'https://api.weixin.qq.com' ('http://api.weixin.qq.com' for `cloud` apps)
   */
  apiBaseUrl?: string;
  /**
   * Timeout of one HTTP attempt, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number;
  /** @default { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 } */
  retry?: WechatRetryOptions;
  /**
   * A token is refreshed this many seconds before WeChat expires it. Stable tokens rotate in their
   * last 5 minutes, hence the default. Tokens shorter than twice the margin live half their life.
   * @default 300
   */
  tokenRefreshMarginSeconds?: number;
  /**
   * Pause of an app's token fetches after a failure (shared by every caller of this process).
   * @default { baseDelayMs: 2000, maxDelayMs: 60000 }
   */
  tokenFetchBackoff?: WechatTokenFetchBackoffOptions;
  /**
   * Where tokens are cached (share it between instances with a Redis store).
   * @default an in-process store
   */
  tokenStore?: AccessTokenStore;
  /**
   * Replaces the built-in token provider; the class is instantiated with Nest DI and may inject
   * what the modules in `imports` export. Giving it implies `tokenMode: 'external'` for every app
   * that sets no `tokenMode` (so no `secret` is needed).
   * @default the built-in provider (modes stable, classic, cloud, external)
   */
  accessTokenProvider?: Type<AccessTokenProvider>;
  /** Observability callbacks (metrics); nothing is collected without them. */
  hooks?: WechatAuthHooks;
  /**
   * Third-party platform mode: calls naming an appId that is not in `apps` (or the shorthand)
   * use that authoriser's `authorizer_access_token`. With `componentEventsPath` (an option of
   * `forRoot`/`forRootAsync` itself) the module serves the authorisation-event URL.
   */
  component?: WechatComponentOptions;
}

/**
 * Options of `forRoot` and `forRootAsync` that shape the module itself; they are not part of
 * `WechatAuthModuleOptions` (a `useFactory` does not return them).
 *
 * @publicApi
 */
export interface WechatAuthModuleExtras {
  /**
   * Registers the module globally.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Modules whose exported providers the `accessTokenProvider` class may inject (with
   * `forRootAsync`, its `imports` serve the factory and the provider class alike).
   * @default []
   */
  imports?: ModuleMetadata['imports'];
  /**
   * With `component`: serves `POST <componentEventsPath>` as the platform's authorisation-event
   * URL (授权事件接收URL): verifies and decrypts each push, stores the ticket, exchanges
   * authorisation codes, forgets revoked authorisers, runs the `@OnWechatComponentEvent()`
   * handlers and answers `success`.
   * @default no route
   */
  componentEventsPath?: string;
}

/** Class for `forRootAsync({ useClass })`. @publicApi */
export interface WechatAuthOptionsFactory {
  createWechatAuthOptions(): Promise<WechatAuthModuleOptions> | WechatAuthModuleOptions;
}

/**
 * Options of `WechatAuthModule.forRootAsync()`. `imports` serve the factory and the
 * `accessTokenProvider` class alike; `isGlobal` sits here, not in what the factory returns.
 *
 * @publicApi
 */
export interface WechatAuthModuleAsyncOptions extends ConfigurableModuleAsyncOptions<
  WechatAuthModuleOptions,
  'createWechatAuthOptions'
> {
  /** @default false */
  isGlobal?: boolean;
  /** See `WechatAuthModuleExtras.componentEventsPath`. */
  componentEventsPath?: string;
}
