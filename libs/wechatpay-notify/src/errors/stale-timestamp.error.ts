import { WechatPayNotifyError } from './wechatpay-notify.error';

/** `Wechatpay-Timestamp` is further from the server clock than `maxClockSkewSeconds`. */
export class WechatPayStaleTimestampError extends WechatPayNotifyError {
  readonly reason = 'stale-timestamp' as const;

  /** @param skewSeconds server time minus `Wechatpay-Timestamp` (negative: from the future). */
  constructor(
    message: string,
    readonly skewSeconds: number,
  ) {
    super(message);
  }
}
