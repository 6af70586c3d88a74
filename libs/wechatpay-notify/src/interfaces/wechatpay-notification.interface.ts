import type { WechatPayTransaction } from './wechatpay-transaction.interface';

/** The encrypted `resource` of a notification envelope. */
export interface WechatPayNotificationResource {
  /** `AEAD_AES_256_GCM`. */
  algorithm: string;
  /** Base64 of ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
  /** AES-GCM additional data; may be empty. */
  associated_data: string;
  /** AES-GCM IV, 12 characters. */
  nonce: string;
  /** e.g. `transaction`. */
  original_type?: string;
}

/** The notification envelope (the JSON body) after signature verification. */
export interface WechatPayNotificationEnvelope {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary: string;
  resource: WechatPayNotificationResource;
}

/** Fields of every verified notification. */
export interface WechatPayNotificationBase {
  /** Notification id (stable across WeChat's re-deliveries of the same notification). */
  id: string;
  /** e.g. `TRANSACTION.SUCCESS`. */
  eventType: string;
  /** RFC 3339 creation time. */
  createTime: string;
  /** e.g. `支付成功`. */
  summary: string;
  /** `encrypt-resource`. */
  resourceType: string;
  /** `resource.original_type`, e.g. `transaction`, when present. */
  originalType: string | undefined;
}

/** A verified `TRANSACTION.*` notification with its validated transaction. */
export interface WechatPayTransactionNotification extends WechatPayNotificationBase {
  transaction: WechatPayTransaction;
  /** The same object as `transaction`. */
  resource: WechatPayTransaction;
}

/**
 * A verified notification of another event type (e.g. `REFUND.SUCCESS`). Its resource is
 * decrypted but not validated; acknowledge it or handle it yourself.
 */
export interface WechatPayOtherNotification extends WechatPayNotificationBase {
  transaction: null;
  /** The decrypted resource as parsed from JSON. */
  resource: Record<string, unknown>;
}

/** Result of `WechatPayNotificationService.verifyAndDecrypt`; `transaction` is `null` unless `TRANSACTION.*`. */
export type WechatPayNotification = WechatPayTransactionNotification | WechatPayOtherNotification;

/** Request headers as Node/Nest deliver them. Names are matched case-insensitively. */
export type WechatPayNotificationHeaders = Record<string, string | string[] | undefined>;
