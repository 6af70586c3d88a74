import { PAID_UNIONID_WINDOW_MS } from '@app/wechat-auth';

export { PAID_UNIONID_CAPTURE_MODULE_OPTIONS } from './paid-unionid-capture.module-definition';

/** The window WeChat answers `getpaidunionid` in, from `success_time`. @publicApi */
export const PAYMENT_WINDOW_MS = PAID_UNIONID_WINDOW_MS;

/** Start of `errmsg` for payments failed because the window closed. @publicApi */
export const PAYMENT_WINDOW_EXPIRED_ERRMSG =
  'the 5-minute getpaidunionid window expired before a unionid was obtained';

/** Defaults of the module options. @publicApi */
export const PAID_UNIONID_CAPTURE_DEFAULTS = {
  selector: 'transaction_id',
  // Lookups wait on WeChat, not on the CPU: 64 drains 10,000 payments with 20% -1 in ~30 s (bench).
  concurrency: 64,
  sliceMs: 20_000,
  pollMs: 500,
  rateLimit: 0,
} as const;

/** Extra lease time beyond one slice and one HTTP timeout, for the database writes after it. */
export const LEASE_SLACK_MS = 5000;
/** Pause before a row whose slice ended in a transient failure is tried again. */
export const RETRY_PAUSE_MS = 1000;

/** Events delivered per claim. */
export const EVENT_DELIVERY_BATCH = 32;
/** A delivery's lease: a handler still running after it may see its event delivered again. */
export const EVENT_DELIVERY_LEASE_MS = 60_000;
export const EVENT_REDELIVERY_MIN_DELAY_MS = 1000;
export const EVENT_REDELIVERY_MAX_DELAY_MS = 5 * 60_000;
/** After this long of failing handlers an event is dropped (logged at error level). */
export const EVENT_DELIVERY_GIVE_UP_MS = 24 * 60 * 60_000;
