export * from './app-config.interface';
