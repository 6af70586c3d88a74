export * from './store/testing';
