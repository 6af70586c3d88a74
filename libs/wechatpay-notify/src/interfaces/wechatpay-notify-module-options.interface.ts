import type { WechatPayNotifyHooks } from './wechatpay-notify-hooks.interface';

/** A WeChat Pay public key ("微信支付公钥"), downloaded from the merchant portal. */
export interface WechatPayPublicKeyOption {
  /** Public key id as sent in `Wechatpay-Serial`, e.g. `PUB_KEY_ID_0114232134912410000000000000`. */
  id: string;
  /** Public key, PEM (SPKI `-----BEGIN PUBLIC KEY-----`). */
  pem: string;
}

/**
 * Options of `WechatPayNotifyModule`. Validated once at bootstrap; a bad value stops start-up with
 * one `WechatPayNotifyOptionsError` naming every bad field. At least one key is required:
 * `publicKeys`, `platformCertificates`, or both (during a certificate -> public key migration
 * WeChat Pay signs with either).
 */
export interface WechatPayNotifyModuleOptions {
  /**
   * Merchant id the notifications must belong to: the decrypted `mchid` (partner mode: `sp_mchid`
   * or `sub_mchid`) must equal it.
   * @default none (required)
   */
  mchId: string;
  /**
   * APIv3 key that decrypts `resource`: exactly 32 bytes, used as-is as the AES-256 key.
   * @default none (required)
   */
  apiV3Key: string;
  /**
   * WeChat Pay public keys, matched by id against `Wechatpay-Serial`.
   * @default []
   */
  publicKeys?: WechatPayPublicKeyOption[];
  /**
   * Platform certificates ("平台证书"), PEM; several may be concatenated. Each certificate's serial
   * number is read from the certificate and matched case-insensitively against `Wechatpay-Serial`.
   * @default undefined (no certificates)
   */
  platformCertificates?: string;
  /**
   * Largest accepted distance, in seconds and in either direction, between `Wechatpay-Timestamp`
   * and the server clock.
   * @default 300
   */
  maxClockSkewSeconds?: number;
  /**
   * Largest accepted raw body, in bytes; the notify route answers a larger one with `413`.
   * @default 65536 (64 KiB)
   */
  maxBodyBytes?: number;
  /**
   * Clock returning epoch milliseconds; replace it in tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Callbacks through which an app can count what the notify route does (e.g. into Prometheus).
   * @default {} (nothing is reported)
   */
  hooks?: WechatPayNotifyHooks;
}

/** Extra `forRoot`/`forRootAsync` options that shape the module rather than the service. */
export interface WechatPayNotifyModuleExtras {
  /**
   * Register the module globally so that every module can inject the service.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Serve `POST <path>` from the module itself (e.g. `'wechatpay/notify'`): the route verifies
   * and decrypts each notification over `req.rawBody`, runs the `@OnWechatPayNotification()`
   * handlers and answers WeChat Pay. The app must be created with `rawBody: true`. Given next to
   * `isGlobal` (also in `forRootAsync`), because routes exist before any options factory runs.
   * The app's global prefix applies.
   * @default undefined (no route: verify in your own controller)
   */
  path?: string;
}
