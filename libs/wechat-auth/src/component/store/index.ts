export * from './in-memory-wechat-component.store';
export * from './redis-wechat-component-store-options.interface';
export * from './redis-wechat-component.store';
export * from './wechat-component.store';
