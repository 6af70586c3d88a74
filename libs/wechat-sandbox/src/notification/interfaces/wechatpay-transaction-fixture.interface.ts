/** Payer of a test transaction. Direct mode uses `openid`; partner mode `sp_openid`/`sub_openid`. */
export interface WechatPayPayerFixture {
  openid?: string;
  sp_openid?: string;
  sub_openid?: string;
}

/** Amount of a test transaction, in fen (分). */
export interface WechatPayAmountFixture {
  total?: number;
  payer_total?: number;
  currency?: string;
  payer_currency?: string;
}

/**
 * The decrypted `resource` of a test notification, exactly as it was serialised and encrypted.
 * Direct-mode fields are set by default; partner-mode fields only when given.
 */
export interface WechatPayTransactionFixture {
  appid?: string;
  mchid?: string;
  sp_appid?: string;
  sp_mchid?: string;
  sub_appid?: string;
  sub_mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state?: string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: WechatPayPayerFixture;
  amount?: WechatPayAmountFixture;
  /** Any further field is serialised as given. */
  [field: string]: unknown;
}

/** The encrypted `resource` object of a notification envelope. */
export interface WechatPayNotificationResourceFixture {
  original_type: string;
  algorithm: string;
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/** The notification envelope (the JSON body WeChat Pay posts). */
export interface WechatPayNotificationEnvelopeFixture {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: WechatPayNotificationResourceFixture;
}
