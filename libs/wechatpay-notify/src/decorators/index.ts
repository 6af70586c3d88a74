export * from './inject-wechatpay-notify-options.decorator';
export * from './on-wechatpay-notification.decorator';
export * from './wechatpay-raw-body.decorator';
