export * from './wechat-component-store.suite';
