import { WECHATPAY_NOTIFY_MESSAGES } from '../wechatpay-notify.messages';

/**
 * An `@OnWechatPayNotification()` handler threw (or rejected) while handling a verified
 * notification; `cause` holds what it threw. Not a `WechatPayNotifyError`: the notification was
 * valid, so answer `5xx` and let WeChat Pay deliver it again.
 */
export class WechatPayNotificationHandlerError extends Error {
  constructor(
    /** `Class.method` of the handler that failed. */
    readonly handler: string,
    readonly eventType: string,
    readonly notificationId: string,
    cause: unknown,
  ) {
    super(WECHATPAY_NOTIFY_MESSAGES.handlerFailed(handler, eventType, notificationId, cause), {
      cause,
    });
    this.name = new.target.name;
  }
}
