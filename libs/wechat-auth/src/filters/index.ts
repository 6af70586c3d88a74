export * from './wechat-error.filter';
