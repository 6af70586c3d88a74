import { SetMetadata } from '@nestjs/common';
import type { WechatPayNotificationHandler } from '../interfaces/wechatpay-notification-handler.interface';
import { WECHATPAY_NOTIFY_HANDLER_METADATA } from '../wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from '../wechatpay-notify.messages';

/**
 * Makes a provider method a handler of verified WeChat Pay notifications. Handlers are found at
 * bootstrap on every singleton provider of the application; for each notification the module's
 * notify route (or `WechatPayNotificationDispatcher.dispatch`) awaits, one after the other in
 * discovery order, every handler registered for its `event_type` and for `'*'`, and answers
 * `2xx` only when all of them succeed. A handler that throws makes the route answer `500`, so
 * WeChat Pay delivers the notification again: handlers must be idempotent (dedupe on
 * `notification.id` or the transaction id).
 *
 * ```ts
 * @Injectable()
 * export class PaymentsHandler {
 *   @OnWechatPayNotification('TRANSACTION.SUCCESS')
 *   async onPaid(notification: WechatPayTransactionNotification): Promise<void> {
 *     await this.payments.store(notification.transaction);
 *   }
 * }
 * ```
 *
 * @param eventType an event type (`'TRANSACTION.SUCCESS'`, `'REFUND.SUCCESS'`, ...), several, or
 *   `'*'` for every notification. A `TRANSACTION.*` handler receives a
 *   `WechatPayTransactionNotification`; any other handler a `WechatPayNotification`.
 * @throws TypeError when no non-empty event type is given or the method is static.
 * @publicApi
 */
export function OnWechatPayNotification<E extends string>(
  eventType: E | readonly E[],
): <H extends WechatPayNotificationHandler<E>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<H>,
) => void {
  const eventTypes: readonly string[] = typeof eventType === 'string' ? [eventType] : eventType;
  if (
    !Array.isArray(eventTypes) ||
    eventTypes.length === 0 ||
    eventTypes.some((type) => typeof type !== 'string' || type.trim() === '')
  ) {
    throw new TypeError(WECHATPAY_NOTIFY_MESSAGES.noEventType);
  }
  const metadata = Object.freeze([...new Set(eventTypes)]);
  return (target, key, descriptor) => {
    if (typeof target === 'function') {
      throw new TypeError(WECHATPAY_NOTIFY_MESSAGES.staticHandler(`${target.name}.${String(key)}`));
    }
    SetMetadata(WECHATPAY_NOTIFY_HANDLER_METADATA, metadata)(target, key, descriptor);
  };
}
