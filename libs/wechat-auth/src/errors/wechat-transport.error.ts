import {
  deadlinePassedMessage,
  httpErrorMessage,
  networkErrorMessage,
  unexpectedResponseMessage,
} from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

/** WeChat answered a non-2xx HTTP status (5xx ones survived their retries). @publicApi */
export class WechatHttpError extends WechatError {
  constructor(
    readonly path: string,
    readonly status: number,
    lastErrcode?: number,
  ) {
    // A 5xx is WeChat's trouble and may pass; a 4xx will not.
    super(httpErrorMessage(path, status), { retryable: status >= 500, lastErrcode });
  }
}

/** Timeout, connection refused or reset (after retries). `code` is Node's/axios' code. @publicApi */
export class WechatNetworkError extends WechatError {
  constructor(
    readonly path: string,
    readonly code: string,
    detail: string,
    lastErrcode?: number,
  ) {
    super(networkErrorMessage(path, detail), { retryable: true, lastErrcode });
  }
}

/** WeChat answered 2xx with something that is not the expected JSON. @publicApi */
export class WechatUnexpectedResponseError extends WechatError {
  constructor(
    readonly path: string,
    detail: string,
    lastErrcode?: number,
  ) {
    // E.g. a proxy's HTML page: worth another call later, not another attempt now.
    super(unexpectedResponseMessage(path, detail), { retryable: true, lastErrcode });
  }
}

/**
 * The call's deadline passed before WeChat could answer it: before the first attempt, or while
 * the call waited for an access token (`path` is then the token source, e.g.
 * `/cgi-bin/stable_token`, and the API itself was not called).
 *
 * @publicApi
 */
export class WechatDeadlineExceededError extends WechatError {
  constructor(
    readonly path: string,
    message = deadlinePassedMessage(path),
  ) {
    super(message, { retryable: true });
  }
}
