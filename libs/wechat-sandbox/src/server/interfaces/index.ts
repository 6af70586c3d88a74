export * from './sandbox-cli-io.interface';
export * from './sandbox-clock.interface';
export * from './sandbox-counters.interface';
export * from './sandbox-faults.interface';
export * from './sandbox-options.interface';
export * from './sandbox-payment.interface';
export * from './sandbox-request-record.interface';
