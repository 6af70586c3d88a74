/** What both kinds of query carry. @publicApi */
export interface PaidUnionIdQueryBase {
  /** The payer's openid under the mini program. */
  openid: string;
  /** Which configured mini program calls; defaults to the first one. */
  appId?: string;
}

/** Look the payment up by WeChat Pay order number. @publicApi */
export interface PaidUnionIdByTransactionId extends PaidUnionIdQueryBase {
  transactionId: string;
  mchId?: never;
  outTradeNo?: never;
}

/** Look the payment up by merchant id and merchant order number. @publicApi */
export interface PaidUnionIdByOutTradeNo extends PaidUnionIdQueryBase {
  mchId: string;
  outTradeNo: string;
  transactionId?: never;
}

/** Exactly one selector: `transactionId`, or `mchId` + `outTradeNo`. @publicApi */
export type PaidUnionIdQuery = PaidUnionIdByTransactionId | PaidUnionIdByOutTradeNo;

/** Per-call options. @publicApi */
export interface WechatCallOptions {
  /**
   * Epoch ms after which no attempt starts and no retry is scheduled, e.g. the payment's
   * `success_time` + 5 minutes. It also bounds the wait for an access token: a call still without
   * one then rejects with `WechatDeadlineExceededError` (a token fetch shared with other callers
   * goes on for them). Without it the module's retry policy applies.
   */
  deadline?: number;
}
