import { PAID_UNIONID_CAPTURE_DEFAULTS } from '@app/paid-unionid-capture';
import { CLOUD_WECHAT_API_BASE_URL, DEFAULT_WECHAT_API_BASE_URL } from '@app/wechat-auth';
import type { LogLevel } from '@nestjs/common';

/** How the app obtains a WeChat access token (see the contract's `WECHAT_TOKEN_MODE`). */
export const WECHAT_TOKEN_MODES = ['stable', 'classic', 'cloud'] as const;

/** Which order key the paid-unionid lookup sends to WeChat. */
export const LOOKUP_SELECTORS = ['transaction_id', 'out_trade_no'] as const;

/** Nest log levels accepted by `LOG_LEVEL`, from the most to the least verbose. */
export const LOG_LEVELS = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
] as const satisfies readonly LogLevel[];

/** Log output formats accepted by `LOG_FORMAT`: Nest's text lines, or one JSON object per line. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** Defaults applied when a variable is unset (or set to an empty string). */
export const ENV_DEFAULTS = {
  PORT: 3000,
  WECHAT_TOKEN_MODE: 'stable',
  /** Used for `stable` and `classic`. */
  WECHAT_API_BASE_URL: DEFAULT_WECHAT_API_BASE_URL,
  /** WeChat Cloud Hosting reaches the open API over plain HTTP inside its network. */
  WECHAT_API_BASE_URL_CLOUD: CLOUD_WECHAT_API_BASE_URL,
  DATABASE_URL: 'sqlite:./data/payment-notify.sqlite',
  // The capture module's own defaults (see PaidUnionIdCaptureModule's options).
  LOOKUP_SELECTOR: PAID_UNIONID_CAPTURE_DEFAULTS.selector,
  LOOKUP_CONCURRENCY: PAID_UNIONID_CAPTURE_DEFAULTS.concurrency,
  LOOKUP_SLICE_MS: PAID_UNIONID_CAPTURE_DEFAULTS.sliceMs,
  LOOKUP_RATE_LIMIT: PAID_UNIONID_CAPTURE_DEFAULTS.rateLimit,
  LOOKUP_POLL_MS: PAID_UNIONID_CAPTURE_DEFAULTS.pollMs,
  /** Timeout of one WeChat HTTP attempt. */
  WECHAT_TIMEOUT_MS: 5000,
  LOG_LEVEL: 'log',
  LOG_FORMAT: 'text',
} as const;

/** Shortest `READ_API_TOKEN` accepted: a guessable token would open payer data to anyone. */
export const MIN_READ_API_TOKEN_LENGTH = 16;

/** Upper bound for `LOOKUP_CONCURRENCY`. */
export const MAX_LOOKUP_CONCURRENCY = 1024;

/** The config namespace under which `ConfigService` holds the typed {@link AppConfig}. */
export const APP_CONFIG_NAMESPACE = 'app';
