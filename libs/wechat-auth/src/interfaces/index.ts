export * from './access-token-store.interface';
export * from './paid-union-id-query.interface';
export * from './wechat-auth-hooks.interface';
export * from './wechat-auth-module-options.interface';
