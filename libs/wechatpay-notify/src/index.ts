export * from './decorators';
export * from './errors';
export type {
  WechatPayDirectTransaction,
  WechatPayDirectTransactionParties,
  WechatPayNotification,
  WechatPayNotificationBase,
  WechatPayNotificationEnvelope,
  WechatPayNotificationFor,
  WechatPayNotificationHandler,
  WechatPayNotificationHeaders,
  WechatPayNotificationResource,
  WechatPayNotifyAcceptedEvent,
  WechatPayNotifyErrorEvent,
  WechatPayNotifyHooks,
  WechatPayNotifyModuleExtras,
  WechatPayNotifyModuleOptions,
  WechatPayNotifyOutcomeEvent,
  WechatPayNotifyRejectedEvent,
  WechatPayOtherNotification,
  WechatPayPaidTransactionFields,
  WechatPayPartnerTransaction,
  WechatPayPartnerTransactionParties,
  WechatPayPublicKeyOption,
  WechatPayTradeState,
  WechatPayTransaction,
  WechatPayTransactionAmount,
  WechatPayTransactionCommon,
  WechatPayTransactionNotification,
  WechatPayUnpaidTransactionFields,
} from './interfaces';
export { WechatPayNotificationDispatcher } from './wechatpay-notification.dispatcher';
export { WechatPayNotificationService } from './wechatpay-notification.service';
export {
  WECHATPAY_HEADERS,
  WECHATPAY_NOTIFY_ANY_EVENT,
  WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES,
  WECHATPAY_NOTIFY_DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  WECHATPAY_NOTIFY_REJECTION_STATUS,
  WECHATPAY_PUBLIC_KEY_ID_PREFIX,
  WECHATPAY_RESOURCE_ALGORITHM_AES_GCM,
  WECHATPAY_SIGNATURE_PROBE_PREFIX,
  WECHATPAY_SIGNATURE_TYPE_RSA,
} from './wechatpay-notify.constants';
export { WechatPayNotifyModule } from './wechatpay-notify.module';
export {
  WECHATPAY_NOTIFY_MODULE_OPTIONS,
  type WechatPayNotifyModuleAsyncOptions,
  type WechatPayNotifyModuleForRootOptions,
} from './wechatpay-notify.module-definition';
