/**
 * A paid WeChat Pay transaction to capture, e.g. from your own notify callback.
 *
 * @publicApi
 */
export interface PaidUnionIdCaptureInput {
  /** The mini program the payer paid in (`appid`, or `sub_appid` in partner mode). */
  appId: string;
  /** The payer's openid in that mini program. */
  openid: string;
  transactionId: string;
  mchId: string;
  outTradeNo: string;
  /** `success_time`: the 5-minute window counts from it. */
  successTime: Date | string | number;
  /** The notification id, when captured from a notification (a second key for duplicates). */
  notificationId?: string;
  amountTotal?: number;
  currency?: string;
}

/** What `status()` answers. @publicApi */
export interface PaidUnionIdCaptureStatus {
  transactionId: string;
  outTradeNo: string;
  mchId: string;
  appId: string;
  openid: string;
  status: 'pending' | 'resolved' | 'failed';
  unionid: string | null;
  /** Set when `failed`: the last WeChat errcode (or `null`) and why. */
  error: { errcode: number | null; errmsg: string } | null;
}
