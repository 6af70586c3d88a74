import {
  AccessTokenRefreshError,
  MINUTE_QUOTA_ERRCODE,
  SYSTEM_BUSY_ERRCODE,
  TOKEN_INVALID_ERRCODES,
  WechatApiError,
  WechatDeadlineExceededError,
  WechatError,
  WechatValidationError,
} from '@app/wechat-auth';

/** What to do with a payment after a failed lookup. */
export type LookupFailure =
  | { kind: 'terminal'; errcode: number | null; errmsg: string }
  | { kind: 'retry'; errcode: number | null; errmsg: string };

/**
 * `40003`, `89002`, `89300` and every other errcode WeChat means (bad input, no permission) end
 * the payment. Busy, quota, token trouble and transport failures are retried while the window
 * is open.
 */
export function classifyLookupFailure(error: unknown): LookupFailure {
  if (error instanceof AccessTokenRefreshError) {
    return { kind: 'retry', errcode: error.errcode, errmsg: error.message };
  }
  if (error instanceof WechatApiError) {
    const transient =
      error.errcode === SYSTEM_BUSY_ERRCODE ||
      error.errcode === MINUTE_QUOTA_ERRCODE ||
      TOKEN_INVALID_ERRCODES.includes(error.errcode);
    return { kind: transient ? 'retry' : 'terminal', errcode: error.errcode, errmsg: error.errmsg };
  }
  if (error instanceof WechatValidationError) {
    return { kind: 'terminal', errcode: null, errmsg: error.message };
  }
  if (error instanceof WechatDeadlineExceededError) {
    return { kind: 'retry', errcode: null, errmsg: error.message };
  }
  if (error instanceof WechatError) {
    // A transport failure after WeChat answered (e.g. -1, then timeouts): keep that errcode.
    return { kind: 'retry', errcode: error.lastErrcode ?? null, errmsg: error.message };
  }
  return { kind: 'retry', errcode: null, errmsg: 'unexpected lookup failure' };
}
