export * from './interfaces';
export * from './test-merchant-keys';
export * from './wechatpay-notification.builder';
