import type { WechatComponentStore } from '../component/store/wechat-component.store';
import type { AccessTokenStore } from './access-token-store.interface';
import type { WechatAuthHooks } from './wechat-auth-hooks.interface';
import type { ExternalTokenSource, WechatTokenMode } from './wechat-auth-module-options.interface';

/**
 * One app after validation and defaults. Built by the module; exported because the constructors
 * of the built-in classes take it.
 *
 * @publicApi
 */
export interface ResolvedWechatApp {
  /** '' only for a cloud app configured without appId. */
  appId: string;
  secret?: string;
  tokenMode: WechatTokenMode;
  apiBaseUrl: string;
  externalToken?: ExternalTokenSource;
}

/**
 * The module's options after validation and defaults (injected as `WECHAT_AUTH:RESOLVED_OPTIONS`).
 * Built by the module; exported because the constructors of the built-in classes take it.
 *
 * @publicApi
 */
export interface ResolvedWechatAuthOptions {
  apps: ReadonlyMap<string, ResolvedWechatApp>;
  /** The first configured app; absent when only a third-party platform is configured. */
  defaultApp?: ResolvedWechatApp;
  timeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  tokenRefreshMarginMs: number;
  tokenFetchBackoff: { baseDelayMs: number; maxDelayMs: number };
  tokenStore?: AccessTokenStore;
  hooks: WechatAuthHooks;
  component?: ResolvedWechatComponent;
}

/**
 * The third-party platform after validation and defaults.
 *
 * @publicApi
 */
export interface ResolvedWechatComponent {
  componentAppId: string;
  componentSecret: string;
  token: string;
  encodingAesKey: string;
  previousEncodingAesKey?: string;
  store: WechatComponentStore;
  /** Whether `store` is the in-process default (not durable). */
  storeIsDefault: boolean;
  /** Origin of the platform's and the authorisers' calls (the module's `apiBaseUrl`). */
  apiBaseUrl: string;
}
