export { PaidUnionIdCaptureComponentStore } from './component-store';
export { InvalidPaymentError, PaidUnionIdCaptureConfigError } from './errors';
export * from './interfaces';
export { LookupDispatcher } from './lookup/lookup.dispatcher';
export {
  PAID_UNIONID_CAPTURE_DEFAULTS,
  PAID_UNIONID_CAPTURE_MODULE_OPTIONS,
  PAYMENT_WINDOW_EXPIRED_ERRMSG,
  PAYMENT_WINDOW_MS,
} from './paid-unionid-capture.constants';
export { PaidUnionIdCaptureModule } from './paid-unionid-capture.module';
export { PaidUnionIdCapture } from './paid-unionid-capture.service';
export {
  PaidUnionIdStore,
  SqlitePaidUnionIdStore,
  TypeOrmPaidUnionIdStore,
  isInMemorySqliteUrl,
  parseDatabaseUrl,
  type CaptureDatabaseConfig,
  type NewPayment,
  type Payment,
  type PaymentStatus,
} from './store';
