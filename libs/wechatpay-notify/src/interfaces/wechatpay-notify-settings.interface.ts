import type { WechatPayKeyRegistry } from '../wechatpay-key-registry';
import type { WechatPayNotifyHooks } from './wechatpay-notify-hooks.interface';

/** Validated options with defaults applied and keys parsed. Internal to the library. */
export interface WechatPayNotifySettings {
  readonly mchId: string;
  /** The 32-byte AES-256 key. */
  readonly apiV3Key: Buffer;
  readonly maxClockSkewSeconds: number;
  readonly maxBodyBytes: number;
  readonly now: () => number;
  readonly keyRegistry: WechatPayKeyRegistry;
  readonly hooks: Readonly<WechatPayNotifyHooks>;
}
