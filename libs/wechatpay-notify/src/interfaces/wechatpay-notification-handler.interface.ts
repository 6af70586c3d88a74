import type {
  WechatPayNotification,
  WechatPayTransactionNotification,
} from './wechatpay-notification.interface';

/**
 * The notification a handler for `E` receives: `TRANSACTION.*` events always carry a validated
 * transaction; any other event type (or `'*'`) may be any notification.
 */
export type WechatPayNotificationFor<E extends string> = E extends `TRANSACTION.${string}`
  ? WechatPayTransactionNotification
  : WechatPayNotification;

/**
 * A method decorated with `@OnWechatPayNotification(eventType)`. The route answers `2xx` only
 * after every matching handler's promise resolves.
 */
export type WechatPayNotificationHandler<E extends string = string> = (
  notification: WechatPayNotificationFor<E>,
) => unknown;
