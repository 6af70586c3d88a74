export * from './serial-queue.util';
