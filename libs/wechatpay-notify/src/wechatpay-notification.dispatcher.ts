import { Injectable } from '@nestjs/common';
import { WechatPayNotificationHandlerError } from './errors/notification-handler.error';
import type { WechatPayNotification } from './interfaces';
import { WechatPayNotifyExplorer } from './wechatpay-notify.explorer';

/**
 * Hands a verified notification to the application's `@OnWechatPayNotification()` handlers.
 * The module's notify route uses it; a controller of your own can too, after
 * `WechatPayNotificationService.verifyAndDecrypt`.
 *
 * @publicApi
 */
@Injectable()
export class WechatPayNotificationDispatcher {
  constructor(private readonly explorer: WechatPayNotifyExplorer) {}

  /**
   * Awaits every handler registered for `notification.eventType` and for `'*'`, one after the
   * other, in discovery order.
   *
   * @returns how many handlers ran; `0` when none takes this event type (acknowledge it anyway).
   * @throws WechatPayNotificationHandlerError on the first handler that fails (the later ones do
   *   not run); answer `5xx` so that WeChat Pay delivers the notification again.
   */
  async dispatch(notification: WechatPayNotification): Promise<number> {
    const handlers = this.explorer.handlersFor(notification.eventType);
    for (const handler of handlers) {
      try {
        await handler.invoke(notification);
      } catch (error) {
        throw new WechatPayNotificationHandlerError(
          handler.name,
          notification.eventType,
          notification.id,
          error,
        );
      }
    }
    return handlers.length;
  }
}
