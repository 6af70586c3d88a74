import { WechatPayNotifyError } from './wechatpay-notify.error';

/** The decrypted resource is not JSON or not a valid transaction. */
export class WechatPayInvalidPayloadError extends WechatPayNotifyError {
  readonly reason = 'invalid-payload' as const;

  /** @param fields paths of the invalid fields, e.g. `payer.openid` (names only, no values). */
  constructor(
    message: string,
    readonly fields: readonly string[] = [],
  ) {
    super(message);
  }
}
