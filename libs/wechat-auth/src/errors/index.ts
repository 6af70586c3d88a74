export * from './access-token-refresh.error';
export * from './external-token-source.error';
export * from './wechat-api.error';
export * from './wechat-auth-config.error';
export * from './wechat-transport.error';
export * from './wechat-validation.error';
export * from './wechat.error';
