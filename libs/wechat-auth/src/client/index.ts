export * from './wechat-api.client';
