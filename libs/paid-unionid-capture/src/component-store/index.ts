export * from './paid-unionid-capture-component.store';
