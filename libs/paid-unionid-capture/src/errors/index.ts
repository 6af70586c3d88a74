export * from './invalid-payment.error';
