export * from './invalid-environment.error';
