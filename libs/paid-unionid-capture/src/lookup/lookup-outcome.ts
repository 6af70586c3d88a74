import { WechatApiError, WechatError } from '@app/wechat-auth';

/** What to do with a payment after a failed lookup. */
export type LookupFailure =
  | { kind: 'terminal'; errcode: number | null; errmsg: string }
  | { kind: 'retry'; errcode: number | null; errmsg: string };

/**
 * The library's errors say whether a later call may succeed (`retryable`): busy, quota, token
 * trouble and transport failures are retried while the window is open; `40003`, `89002`,
 * `89300` and every other errcode WeChat means end the payment.
 */
export function classifyLookupFailure(error: unknown): LookupFailure {
  if (error instanceof WechatApiError) {
    const kind = error.retryable ? 'retry' : 'terminal';
    return { kind, errcode: error.errcode, errmsg: error.errmsg || error.message };
  }
  if (error instanceof WechatError) {
    // E.g. -1, then timeouts: keep the errcode WeChat answered last.
    const kind = error.retryable ? 'retry' : 'terminal';
    return { kind, errcode: error.lastErrcode ?? null, errmsg: error.message };
  }
  return { kind: 'retry', errcode: null, errmsg: 'unexpected lookup failure' };
}
