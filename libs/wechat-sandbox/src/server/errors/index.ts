export * from './sandbox-component-push.error';
export * from './sandbox-input.error';
