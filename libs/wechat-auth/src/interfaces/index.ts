export * from './access-token-store.interface';
export * from './paid-union-id-query.interface';
export * from './resolved-options.interface';
export * from './wechat-auth-hooks.interface';
export * from './wechat-auth-module-options.interface';
export * from './wechat-error-response.interface';
export * from './wechat-response-body.interface';
