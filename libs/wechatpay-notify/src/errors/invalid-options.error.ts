/**
 * `WechatPayNotifyModule` options are invalid. Thrown once at bootstrap, listing every bad field;
 * the message names fields only and never contains a key or the APIv3 key.
 * Not a `WechatPayNotifyError`: it is a configuration failure, not a rejected notification.
 */
export class WechatPayNotifyOptionsError extends Error {
  /** @param problems one `field: problem` entry per bad field. */
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
