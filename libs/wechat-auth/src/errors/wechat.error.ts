/**
 * Base class of every error the library throws. `name` is the concrete class name, so logs and
 * `instanceof` both tell what happened.
 *
 * @publicApi
 */
export class WechatError extends Error {
  /**
   * Whether the same call may succeed if made again later (e.g. by the next lookup of a payment
   * whose window is still open): `-1`, quota, token trouble, 5xx, network failures, a deadline.
   * `false` for what WeChat means (a wrong openid, a bad query, a bad configuration).
   */
  readonly retryable: boolean;

  /**
   * The last WeChat errcode answered during this call's retries, when the final failure has
   * none of its own (e.g. `-1`, then only timeouts). `WechatApiError` carries its `errcode`.
   */
  readonly lastErrcode?: number;

  /**
   * @param options `cause`: the error this one wraps (kept out of `message` and of JSON);
   * `retryable` (default `false`) and `lastErrcode` as above.
   */
  constructor(message: string, options?: WechatErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options?.retryable ?? false;
    if (options?.lastErrcode !== undefined) this.lastErrcode = options.lastErrcode;
  }
}

/** Options of {@link WechatError}'s constructor. @publicApi */
export interface WechatErrorOptions extends ErrorOptions {
  retryable?: boolean;
  lastErrcode?: number;
}
