/** Known `trade_state` values. Notifications are only sent for `SUCCESS`. */
export type WechatPayTradeState =
  'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT';

/** Order amount, in fen (分). */
export interface WechatPayTransactionAmount {
  /** Order total. */
  total: number;
  /** Amount the payer paid (after coupons). */
  payer_total?: number;
  /** Usually `CNY`. */
  currency?: string;
  /** Usually `CNY`. */
  payer_currency?: string;
}

/** Fields shared by every transaction. Unknown extra fields are kept at run time but not typed. */
export interface WechatPayTransactionCommon {
  /** Merchant order number. */
  out_trade_no: string;
  /** WeChat Pay order number. */
  transaction_id: string;
  /** e.g. `支付成功`. */
  trade_state_desc?: string;
  /** Merchant data echoed back. */
  attach?: string;
  scene_info?: Record<string, unknown>;
  promotion_detail?: Array<Record<string, unknown>>;
}

/** A paid transaction (`trade_state` `SUCCESS`): payment details are present. */
export interface WechatPayPaidTransactionFields {
  trade_state: 'SUCCESS';
  /** `JSAPI` (also mini programs), `NATIVE`, `APP`, `MICROPAY`, `MWEB`, `FACEPAY`. */
  trade_type: string;
  /** Bank code, e.g. `OTHERS`. */
  bank_type: string;
  /** RFC 3339 payment time, e.g. `2024-05-20T13:29:35+08:00`. */
  success_time: string;
  amount: WechatPayTransactionAmount;
}

/** A transaction in another state: payment details may be missing. */
export interface WechatPayUnpaidTransactionFields {
  trade_state: Exclude<WechatPayTradeState, 'SUCCESS'>;
  trade_type?: string;
  bank_type?: string;
  success_time?: string;
  amount?: WechatPayTransactionAmount;
}

/** Direct-merchant parties. */
export interface WechatPayDirectTransactionParties {
  /** Appid the order was placed with (for mini-program pay: the mini program). */
  appid: string;
  /** Merchant id. */
  mchid: string;
  payer: {
    /** Payer openid under `appid`: the openid for `getpaidunionid`. */
    openid: string;
  };
}

/** Partner (服务商) mode parties. */
export interface WechatPayPartnerTransactionParties {
  /** Service provider appid. */
  sp_appid: string;
  /** Service provider merchant id. */
  sp_mchid: string;
  /** Sub-merchant appid, when the order was placed with one. */
  sub_appid?: string;
  /** Sub-merchant id. */
  sub_mchid: string;
  payer: {
    /** Payer openid under `sp_appid`. */
    sp_openid: string;
    /** Payer openid under `sub_appid`, when the order was placed with one. */
    sub_openid?: string;
  };
}

/**
 * A validated, decrypted transaction. Narrow with `'mchid' in tx` (direct) / `'sp_mchid' in tx`
 * (partner), and with `tx.trade_state === 'SUCCESS'` to get the payment details as required fields.
 */
export type WechatPayTransaction = WechatPayTransactionCommon &
  (WechatPayDirectTransactionParties | WechatPayPartnerTransactionParties) &
  (WechatPayPaidTransactionFields | WechatPayUnpaidTransactionFields);

/** A direct-merchant transaction. */
export type WechatPayDirectTransaction = WechatPayTransaction & WechatPayDirectTransactionParties;

/** A partner-mode transaction. */
export type WechatPayPartnerTransaction = WechatPayTransaction & WechatPayPartnerTransactionParties;
