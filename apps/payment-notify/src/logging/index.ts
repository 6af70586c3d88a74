export * from './app-logger.factory';
export * from './logging.module';
export * from './pino-params.factory';
export * from './redacting-console.logger';
export * from './request-id';
export * from './secret-censor';
export * from './startup-failure.reporter';
