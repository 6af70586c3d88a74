import type { WechatPayNotifyErrorReason } from './errors/wechatpay-notify.error';
import type { WechatPayTradeState } from './interfaces/wechatpay-transaction.interface';

/** Default `maxClockSkewSeconds`: WeChat Pay SDKs accept notifications at most 5 minutes off. */
export const WECHATPAY_NOTIFY_DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Default `maxBodyBytes`: 64 KiB (real notifications are about 1 KiB). Give the HTTP body parser
 * a limit close to it, so a much larger body is refused before it is read whole.
 */
export const WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The only `Wechatpay-Signature-Type` supported (SHA256 with RSA, PKCS#1 v1.5). */
export const WECHATPAY_SIGNATURE_TYPE_RSA = 'WECHATPAY2-SHA256-RSA2048';

/** The only `resource.algorithm` supported. */
export const WECHATPAY_RESOURCE_ALGORITHM_AES_GCM = 'AEAD_AES_256_GCM';

/** Prefix of the deliberately wrong signatures WeChat Pay sends to probe verification. */
export const WECHATPAY_SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** Prefix of WeChat Pay public key ids (`Wechatpay-Serial` in public-key mode). */
export const WECHATPAY_PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

/** Notification headers, lower-case as Node delivers them. */
export const WECHATPAY_HEADERS = {
  timestamp: 'wechatpay-timestamp',
  nonce: 'wechatpay-nonce',
  signature: 'wechatpay-signature',
  serial: 'wechatpay-serial',
  signatureType: 'wechatpay-signature-type',
} as const;

/** `trade_state` values accepted in a decrypted transaction. */
export const WECHATPAY_TRADE_STATES: readonly WechatPayTradeState[] = [
  'SUCCESS',
  'REFUND',
  'NOTPAY',
  'CLOSED',
  'REVOKED',
  'USERPAYING',
  'PAYERROR',
  'ACCEPT',
];

/** Injection token of the resolved (validated) settings. Internal to the library. */
export const WECHATPAY_NOTIFY_SETTINGS = Symbol('WECHATPAY_NOTIFY_SETTINGS');

/**
 * HTTP status of the answer to a rejected notification, by `WechatPayNotifyError.reason`: what the
 * module's notify route sends (with `{"code":"FAIL","message":"..."}`), and what your own
 * controller or exception filter should send too. WeChat Pay delivers again after any 4xx.
 */
export const WECHATPAY_NOTIFY_REJECTION_STATUS: Readonly<
  Record<WechatPayNotifyErrorReason, number>
> = Object.freeze({
  'missing-header': 400,
  'unknown-serial': 401,
  'bad-signature': 401,
  'signature-probe': 401,
  'stale-timestamp': 401,
  'body-too-large': 413,
  'malformed-body': 400,
  'decrypt-failed': 400,
  'invalid-payload': 400,
  'mchid-mismatch': 400,
  'unsupported-algorithm': 400,
});

/** Event type of an `@OnWechatPayNotification()` handler that takes every notification. */
export const WECHATPAY_NOTIFY_ANY_EVENT = '*';

/** Metadata key of `@OnWechatPayNotification()` (the event types). Internal to the library. */
export const WECHATPAY_NOTIFY_HANDLER_METADATA = 'WECHATPAY_NOTIFY:HANDLER';
