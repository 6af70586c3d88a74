import { WechatPayNotifyError } from './wechatpay-notify.error';

/** `Wechatpay-Signature-Type` or `resource.algorithm` names an algorithm this library does not support (e.g. SM2/SM4). */
export class WechatPayUnsupportedAlgorithmError extends WechatPayNotifyError {
  readonly reason = 'unsupported-algorithm' as const;
}
