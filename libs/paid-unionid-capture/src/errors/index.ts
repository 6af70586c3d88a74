export * from './invalid-payment.error';
export * from './paid-unionid-capture-config.error';
