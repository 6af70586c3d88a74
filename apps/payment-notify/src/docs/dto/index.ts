export * from './fail-body.dto';
export * from './http-error.dto';
export * from './notification-envelope.dto';
export * from './payment-view.dto';
export * from './union-id-view.dto';
