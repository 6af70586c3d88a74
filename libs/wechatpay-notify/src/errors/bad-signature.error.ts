import { WechatPayNotifyError } from './wechatpay-notify.error';

/** `Wechatpay-Signature` does not verify over `timestamp\nnonce\nbody\n` with the selected key. */
export class WechatPayBadSignatureError extends WechatPayNotifyError {
  readonly reason = 'bad-signature' as const;
}
