export * from './new-payment.interface';
export * from './payment-status.interface';
