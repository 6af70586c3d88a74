/** Why a notification was rejected. Stable: safe to switch on, log and count. */
export type WechatPayNotifyErrorReason =
  | 'missing-header'
  | 'unknown-serial'
  | 'bad-signature'
  | 'signature-probe'
  | 'stale-timestamp'
  | 'body-too-large'
  | 'malformed-body'
  | 'decrypt-failed'
  | 'invalid-payload'
  | 'mchid-mismatch'
  | 'unsupported-algorithm';

/**
 * Base class of every rejection raised while verifying a notification.
 * The message is short and safe to log or return: it never holds a key or the body.
 * Map it to an HTTP 4xx answer in the application.
 */
export abstract class WechatPayNotifyError extends Error {
  /** Stable discriminant of the failure. */
  abstract readonly reason: WechatPayNotifyErrorReason;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
