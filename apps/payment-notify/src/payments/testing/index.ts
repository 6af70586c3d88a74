export * from './payments-repository.suite';
