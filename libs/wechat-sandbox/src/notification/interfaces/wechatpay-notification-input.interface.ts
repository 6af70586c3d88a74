import type { KeyObject } from 'node:crypto';
import type {
  WechatPayAmountFixture,
  WechatPayPayerFixture,
  WechatPayTransactionFixture,
} from './wechatpay-transaction-fixture.interface';

/** The key that signs a notification and the serial/key id announced in `Wechatpay-Serial`. */
export interface WechatPayNotificationSigner {
  /** RSA private key: PEM (PKCS#8 or PKCS#1) or an already parsed `KeyObject`. */
  privateKey: string | KeyObject;
  /** Platform certificate serial or `PUB_KEY_ID_...`, sent as `Wechatpay-Serial`. */
  serial: string;
}

/**
 * Raw overrides for building forged or broken variants. Each applies after the normal value
 * is computed, so everything not overridden stays consistent.
 */
export interface WechatPayNotificationOverrides {
  /** Fields merged over the transaction before encryption (`undefined` removes a field). */
  transaction?: Record<string, unknown>;
  /** Encrypt exactly this text instead of the transaction JSON (e.g. invalid JSON). */
  plaintext?: string;
  /** Fields merged over `resource` after encryption (`undefined` removes a field). */
  resource?: Record<string, unknown>;
  /** Fields merged over the envelope after encryption (`undefined` removes a field). */
  envelope?: Record<string, unknown>;
  /** Send exactly this body (it is also what gets signed, unless `signedBody` is set). */
  body?: string;
  /** Sign this text instead of the body that is sent (simulates tampering after signing). */
  signedBody?: string;
  /** Send this `Wechatpay-Signature` instead of the computed one. */
  signature?: string;
  /** Header values replacing the computed ones (names match case-insensitively); `null` removes a header. */
  headers?: Record<string, string | null>;
}

/**
 * Input of `buildWechatPayNotification`. Transaction fields default to a successful JSAPI payment
 * of 1.00 CNY by the test merchant; a field given as `undefined` is left out of the transaction.
 */
export interface WechatPayNotificationInput {
  /** @default TEST_MERCHANT.appId */
  appid?: string;
  /** @default TEST_MERCHANT.mchId */
  mchid?: string;
  /** Partner mode: service provider appid. Not set by default. */
  sp_appid?: string;
  /** Partner mode: service provider mchid. Not set by default. */
  sp_mchid?: string;
  /** Partner mode: sub-merchant appid. Not set by default. */
  sub_appid?: string;
  /** Partner mode: sub-merchant mchid. Not set by default. */
  sub_mchid?: string;
  /** @default a random `TEST...` order number */
  out_trade_no?: string;
  /** @default a random 28-digit `4200...` number */
  transaction_id?: string;
  /** @default 'JSAPI' */
  trade_type?: string;
  /** @default 'SUCCESS' */
  trade_state?: string;
  /** @default '支付成功' */
  trade_state_desc?: string;
  /** @default 'OTHERS' */
  bank_type?: string;
  /** @default '' */
  attach?: string;
  /** RFC 3339. @default the signing time, formatted with +08:00 */
  success_time?: string;
  /** @default { openid: <random openid> } */
  payer?: WechatPayPayerFixture;
  /** Merged over the default `{ total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' }`. */
  amount?: WechatPayAmountFixture;

  /** @default 'TRANSACTION.SUCCESS' */
  eventType?: string;
  /** @default '支付成功' */
  summary?: string;
  /** RFC 3339. @default the signing time, formatted with +08:00 */
  createTime?: string;
  /** 32-character APIv3 key that encrypts `resource`. */
  apiV3Key: string;
  /** Key that signs the notification. */
  signer: WechatPayNotificationSigner;
  /** `Wechatpay-Timestamp`, unix seconds. @default now */
  timestamp?: number;
  /** `Wechatpay-Nonce`. @default 32 random characters */
  nonce?: string;
  /** `resource.nonce`, the AES-GCM IV (12 characters). @default 12 random characters */
  resourceNonce?: string;
  /** Notification `id`. @default a random UUID */
  id?: string;
  /** `resource.associated_data`, the AES-GCM AAD. @default 'transaction' */
  associatedData?: string;
  /** Raw overrides for forged variants. */
  overrides?: WechatPayNotificationOverrides;
}

/** A signed notification, ready to POST. */
export interface WechatPayNotificationFixture {
  /** Headers as WeChat Pay sends them (canonical case). */
  headers: Record<string, string>;
  /** The exact body text (send it byte for byte). */
  body: string;
  /** The envelope `id`. */
  notificationId: string;
  /** The transaction that was encrypted (after `overrides.transaction`). */
  transaction: WechatPayTransactionFixture;
}
