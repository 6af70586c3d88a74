import { WechatPayNotifyError } from './wechatpay-notify.error';

/** The decrypted `mchid` (or `sp_mchid`/`sub_mchid` in partner mode) is not the configured one. */
export class WechatPayMchIdMismatchError extends WechatPayNotifyError {
  readonly reason = 'mchid-mismatch' as const;
}
