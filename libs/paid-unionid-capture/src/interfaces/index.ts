export * from './paid-unionid-capture-hooks.interface';
export * from './paid-unionid-capture-input.interface';
export * from './paid-unionid-capture-module-options.interface';
export * from './paid-unionid-events.interface';
