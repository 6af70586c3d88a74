export * from './sandbox-environment';
