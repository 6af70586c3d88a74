import type { AccessTokenStore } from './access-token-store.interface';
import type { WechatAuthHooks } from './wechat-auth-hooks.interface';
import type { ExternalTokenSource, WechatTokenMode } from './wechat-auth-module-options.interface';

/** @internal one app after validation and defaults */
export interface ResolvedWechatApp {
  /** '' only for a cloud app configured without appId. */
  appId: string;
  secret?: string;
  tokenMode: WechatTokenMode;
  apiBaseUrl: string;
  externalToken?: ExternalTokenSource;
}

/** @internal options after validation and defaults */
export interface ResolvedWechatAuthOptions {
  apps: ReadonlyMap<string, ResolvedWechatApp>;
  defaultApp: ResolvedWechatApp;
  timeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  tokenRefreshMarginMs: number;
  tokenStore?: AccessTokenStore;
  hooks: WechatAuthHooks;
}
