export * from './bigint-number.transformer';
export * from './payment.entity';
export * from './union-id.entity';
