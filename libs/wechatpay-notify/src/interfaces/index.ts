export * from './wechatpay-notification-handler.interface';
export * from './wechatpay-notification.interface';
export * from './wechatpay-notify-hooks.interface';
export * from './wechatpay-notify-module-options.interface';
export * from './wechatpay-notify-settings.interface';
export * from './wechatpay-transaction.interface';
