import { WechatPayNotifyError } from './wechatpay-notify.error';

/** WeChat Pay sent a deliberately wrong signature (`WECHATPAY/SIGNTEST/...`) to check that it is verified. */
export class WechatPaySignatureProbeError extends WechatPayNotifyError {
  readonly reason = 'signature-probe' as const;
}
