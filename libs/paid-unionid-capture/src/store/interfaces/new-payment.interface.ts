/** A `TRANSACTION.SUCCESS` payment as accepted from a verified notification. */
export interface NewPayment {
  /** WeChat Pay `transaction_id` (at most 32 characters); the primary key. */
  readonly transactionId: string;
  /** The notification's `id` (at most 64 characters); unique as well. */
  readonly notificationId: string;
  /** Merchant order number (at most 64 characters). */
  readonly outTradeNo: string;
  /** Merchant id (at most 32 characters). */
  readonly mchId: string;
  /** Appid the order was placed with (at most 64 characters). */
  readonly appId: string;
  /** Payer openid under `appId` (at most 128 characters). */
  readonly openid: string;
  /** `amount.total`, in the currency's smallest unit. */
  readonly amountTotal: number;
  /** `amount.currency`, e.g. `CNY` (at most 16 characters). */
  readonly currency: string;
  /** `success_time` as epoch ms; the lookup deadline is 5 minutes later. */
  readonly successTimeMs: number;
  /** When the notification was accepted (epoch ms); also the time of the first attempt. */
  readonly createdAtMs: number;
}
