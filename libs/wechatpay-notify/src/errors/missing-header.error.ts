import { WechatPayNotifyError } from './wechatpay-notify.error';

/** A required `Wechatpay-*` header is missing, repeated or malformed. */
export class WechatPayMissingHeaderError extends WechatPayNotifyError {
  readonly reason = 'missing-header' as const;
}
