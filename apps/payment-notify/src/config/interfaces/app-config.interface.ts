import type { CaptureDatabaseConfig } from '@app/paid-unionid-capture';
import type { LogLevel } from '@nestjs/common';
import type { LOG_FORMATS, LOOKUP_SELECTORS, WECHAT_TOKEN_MODES } from '../app-config.constants';

/** `stable` (POST /cgi-bin/stable_token), `classic` (GET /cgi-bin/token) or `cloud` (no token). */
export type WechatTokenMode = (typeof WECHAT_TOKEN_MODES)[number];

/** `text` (Nest's console lines) or `json` (one JSON object per line, with a request id). */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Order key sent to `getpaidunionid` besides the openid. */
export type LookupSelector = (typeof LOOKUP_SELECTORS)[number];

/** A WeChat Pay public key (`WECHATPAY_PUBLIC_KEY_FILE` + `WECHATPAY_PUBLIC_KEY_ID`). */
export interface WechatPayPublicKeyConfig {
  /** The key id WeChat Pay sends in `Wechatpay-Serial`, e.g. `PUB_KEY_ID_0114...`. */
  readonly id: string;
  /** The SPKI public key as PEM text. */
  readonly pem: string;
}

/** Where payments are stored. */
export type DatabaseConfig = CaptureDatabaseConfig;

/**
 * The app's validated, typed configuration, built once from the environment.
 * Holds secrets (`wechat.secret`, `wechatPay.apiV3Key`): never log it or send it anywhere.
 */
export interface AppConfig {
  /** HTTP port. @default 3000 */
  readonly port: number;
  /** Minimum Nest log level. @default 'log' */
  readonly logLevel: LogLevel;
  /** Log output format. @default 'text' */
  readonly logFormat: LogFormat;
  readonly wechat: {
    /** Mini program appid; absent only in `cloud` mode when unset. */
    readonly appId?: string;
    /** AppSecret; set for `stable` and `classic`. */
    readonly secret?: string;
    /** @default 'stable' */
    readonly tokenMode: WechatTokenMode;
    /** API origin without a trailing slash. @default 'https://api.weixin.qq.com' */
    readonly apiBaseUrl: string;
    /** Timeout of one HTTP attempt. @default 5000 */
    readonly timeoutMs: number;
  };
  readonly wechatPay: {
    /** Merchant id the notifications must belong to. */
    readonly mchId: string;
    /** The 32-byte APIv3 key that decrypts `resource`. */
    readonly apiV3Key: string;
    /** Public keys for the public-key verifier mode (empty when only certificates are used). */
    readonly publicKeys: readonly WechatPayPublicKeyConfig[];
    /** Platform certificate(s) as concatenated PEM, for the certificate verifier mode. */
    readonly platformCertificates?: string;
  };
  readonly database: DatabaseConfig;
  /** `redis://` or `rediss://` URL; unset means the app runs in-process (no Redis). */
  readonly redisUrl?: string;
  /**
   * Bearer token of the routes that show payer data or operations (`/payments`, `/unionids`,
   * `/metrics`, `/docs`); unset turns those routes off. A secret: never log it.
   */
  readonly readApiToken?: string;
  readonly lookup: {
    /** @default 'transaction_id' */
    readonly selector: LookupSelector;
    /** Lookups run at once per process. @default 8 */
    readonly concurrency: number;
    /** A claimed lookup calls WeChat for at most this long, then is rescheduled. @default 20000 */
    readonly sliceMs: number;
    /** Interval of the scan for due lookups. @default 500 */
    readonly pollMs: number;
    /** With Redis: lookups started per second across all workers; 0 = no limit. @default 0 */
    readonly rateLimit: number;
  };
}
