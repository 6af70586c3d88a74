export * from './serial-queue.util';
export * from './sqlite-group-commit.util';
