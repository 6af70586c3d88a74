export * from './remote-plain-http-url';
export * from './resolve-wechat-auth-options';
export * from './validate-paid-union-id-query';
