export * from './paid-unionid-store.suite';
