/**
 * A WeChat Pay payment to make known to getpaidunionid.
 *
 * @publicApi
 */
export interface SandboxPaymentInput {
  /** The payer's openid under the paying mini program. */
  openid: string;
  /** The payer's unionid. Default: derived deterministically from `openid`. */
  unionid?: string;
  /** The mini program that took the payment. Default: the first app, else the cloud app. */
  appId?: string;
  /** Merchant id. Default `'1900000001'`. */
  mchId?: string;
  /** WeChat Pay order number. Default: a generated 28-digit string. */
  transactionId?: string;
  /** Merchant order number. Default: generated. */
  outTradeNo?: string;
  /** Payment time, epoch ms on the sandbox clock. Default `clock.now()`. */
  paidAt?: number;
}

/**
 * A registered payment, every default filled in.
 *
 * @publicApi
 */
export interface SandboxPayment {
  openid: string;
  unionid: string;
  appId: string;
  mchId: string;
  transactionId: string;
  outTradeNo: string;
  paidAt: number;
}
