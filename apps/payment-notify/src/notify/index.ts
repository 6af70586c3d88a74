export * from './invalid-payment.error';
export * from './notify.module';
