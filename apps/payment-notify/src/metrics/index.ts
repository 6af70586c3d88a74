export * from './metrics.constants';
export * from './metrics.controller';
export * from './metrics.module';
export * from './payment-metrics.service';
export * from './process-metrics.registry';
export * from './metrics.hooks';
