import { WechatPayInvalidPayloadError } from '@app/wechatpay-notify';

/**
 * A payment that cannot be captured as given (a field empty or longer than its column, a
 * `successTime` that is not a time). From the notify route it answers 400: a delivery of the
 * same notification again would fail the same way.
 *
 * @publicApi
 */
export class InvalidPaymentError extends WechatPayInvalidPayloadError {
  constructor(message: string, fields: readonly string[] = []) {
    super(`invalid transaction: ${message}`, fields);
    this.name = new.target.name;
  }
}
