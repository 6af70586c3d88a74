export * from './serial-queue.util';
export * from './sqlite-group-commit.util';
export * from './sqlite-connection-queue.util';
