import { WechatPayNotifyError } from './wechatpay-notify.error';

/** `Wechatpay-Serial` names no configured public key id or platform certificate serial. */
export class WechatPayUnknownSerialError extends WechatPayNotifyError {
  readonly reason = 'unknown-serial' as const;

  /**
   * @param serial the received `Wechatpay-Serial` (not secret; at most 64 characters kept) —
   * a new serial usually means WeChat Pay rotated its key.
   */
  constructor(
    message: string,
    readonly serial: string,
  ) {
    super(message);
  }
}
