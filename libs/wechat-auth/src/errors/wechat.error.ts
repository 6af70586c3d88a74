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

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
