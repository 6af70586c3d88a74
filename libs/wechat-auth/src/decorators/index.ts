export * from './inject-wechat-auth-options.decorator';
