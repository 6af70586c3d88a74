export * from './entities';
export * from './interfaces';
export * from './migrations';
export * from './payments-data-source.factory';
export * from './payments.constants';
export * from './payments.module';
export * from './payments.repository';
export * from './typeorm-options.factory';
