export * from './wechatpay-notify-options.dto';
export * from './wechatpay-notify-settings.resolver';
