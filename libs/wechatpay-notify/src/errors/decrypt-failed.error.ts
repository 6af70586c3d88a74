import { WechatPayNotifyError } from './wechatpay-notify.error';

/** `resource` failed AES-256-GCM authentication: wrong APIv3 key or altered ciphertext, nonce or associated data. */
export class WechatPayDecryptFailedError extends WechatPayNotifyError {
  readonly reason = 'decrypt-failed' as const;
}
