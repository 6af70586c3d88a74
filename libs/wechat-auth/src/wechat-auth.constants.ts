import { MODULE_OPTIONS_TOKEN } from './wechat-auth.module-definition';

/** Injection token of the raw options given to `forRoot`/`forRootAsync`. @publicApi */
export const WECHAT_AUTH_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** @publicApi */
export const DEFAULT_WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

/** Cloud Hosting's open-API sidecar is reached over plain HTTP. @publicApi */
export const CLOUD_WECHAT_API_BASE_URL = 'http://api.weixin.qq.com';

/** getpaidunionid only answers within 5 minutes after the payment. @publicApi */
export const PAID_UNIONID_WINDOW_MS = 5 * 60_000;

/** errcodes meaning "this access_token is no longer good": refresh once and retry once. */
export const TOKEN_INVALID_ERRCODES: readonly number[] = [40001, 40014, 42001];

/** Per-minute quota: worth retrying at the next minute. */
export const MINUTE_QUOTA_ERRCODE = 45011;

/** System busy: retried with backoff. */
export const SYSTEM_BUSY_ERRCODE = -1;

/** Defaults of the module options (see `WechatAuthModuleOptions`). @publicApi */
export const WECHAT_AUTH_DEFAULTS = {
  /** Timeout of one HTTP attempt. */
  timeoutMs: 5000,
  retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 },
  /** Tokens are refreshed this long before they expire. */
  tokenRefreshMarginSeconds: 300,
  /** Pause of an app's token fetches after a failure, doubling per failure in a row. */
  tokenFetchBackoff: { baseDelayMs: 2000, maxDelayMs: 60_000 },
} as const;
