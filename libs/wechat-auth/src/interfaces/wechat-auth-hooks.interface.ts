import type { WechatTokenMode } from './wechat-auth-module-options.interface';

/** Outcome of one upstream token fetch. @publicApi */
export interface TokenFetchEvent {
  appId: string;
  mode: WechatTokenMode;
  outcome: 'success' | 'error';
  errcode?: number;
}

/** Outcome of one HTTP attempt against a WeChat API. @publicApi */
export interface ApiAttemptEvent {
  path: string;
  /** `ok`, `errcode` (WeChat answered an error), `http` (non-2xx) or `network`. */
  outcome: 'ok' | 'errcode' | 'http' | 'network';
  errcode?: number;
  status?: number;
}

/**
 * Optional callbacks through which an app can count what the library does (e.g. into Prometheus).
 * They must not throw; they are called synchronously.
 *
 * @publicApi
 */
export interface WechatAuthHooks {
  onTokenFetch?(event: TokenFetchEvent): void;
  onApiAttempt?(event: ApiAttemptEvent): void;
}
