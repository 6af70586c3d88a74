import { WechatPayNotifyError } from './wechatpay-notify.error';

/** The raw body is missing, not JSON, or not a notification envelope. */
export class WechatPayMalformedBodyError extends WechatPayNotifyError {
  readonly reason = 'malformed-body' as const;
}
