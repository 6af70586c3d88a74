export * from './wechatpay-notification-input.interface';
export * from './wechatpay-transaction-fixture.interface';
