import { WechatPayNotifyError } from './wechatpay-notify.error';

/** The raw body is larger than `maxBodyBytes`. */
export class WechatPayBodyTooLargeError extends WechatPayNotifyError {
  readonly reason = 'body-too-large' as const;
}
