import {
  MINUTE_QUOTA_ERRCODE,
  SYSTEM_BUSY_ERRCODE,
  TOKEN_INVALID_ERRCODES,
} from '../wechat-auth.constants';
import { apiErrorMessage } from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

const RID = /\s*rid:\s*([0-9a-zA-Z-]+)\s*$/;

/**
 * WeChat answered with a non-zero `errcode` that was not retried or survived its retries.
 *
 * @publicApi
 */
export class WechatApiError extends WechatError {
  /** WeChat's request id (the ` rid: ...` suffix of errmsg), for WeChat support. */
  readonly rid?: string;

  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    /** The API path, e.g. `/wxa/getpaidunionid`. */
    readonly path: string,
    message?: string,
    retryable: boolean = isRetryableErrcode(errcode),
  ) {
    super(message ?? apiErrorMessage(path, errcode, errmsg), { retryable });
    this.rid = RID.exec(errmsg)?.[1];
  }
}

/** `40003`: the openid is wrong or is not the payer. @publicApi */
export class WechatInvalidOpenidError extends WechatApiError {}

/** `89002`: the mini program is not bound to an Open Platform account. @publicApi */
export class WechatOpenPlatformNotBoundError extends WechatApiError {}

/** `89300`: invalid trade (wrong pairing, or outside the 5-minute window). @publicApi */
export class WechatInvalidTradeError extends WechatApiError {}

/** Busy, per-minute quota and a rejected token pass; every other errcode is WeChat's answer. */
function isRetryableErrcode(errcode: number): boolean {
  return (
    errcode === SYSTEM_BUSY_ERRCODE ||
    errcode === MINUTE_QUOTA_ERRCODE ||
    TOKEN_INVALID_ERRCODES.includes(errcode)
  );
}
