export * from './sandbox-input.error';
