/**
 * Base class of every error the library throws. `name` is the concrete class name, so logs and
 * `instanceof` both tell what happened.
 *
 * @publicApi
 */
export class WechatError extends Error {
  /**
   * The last WeChat errcode answered during this call's retries, when the final failure has
   * none of its own (e.g. `-1`, then only timeouts). `WechatApiError` carries its `errcode`.
   */
  lastErrcode?: number;

  /** @param options `cause`: the error this one wraps (kept out of `message` and of JSON) */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
