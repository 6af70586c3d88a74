export * from './wechatpay-transaction-amount.dto';
export * from './wechatpay-transaction-payer.dto';
export * from './wechatpay-transaction.dto';
