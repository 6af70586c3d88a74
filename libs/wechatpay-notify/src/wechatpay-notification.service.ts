import { Inject, Injectable } from '@nestjs/common';
import { WechatPayBodyTooLargeError } from './errors/body-too-large.error';
import { WechatPayInvalidPayloadError } from './errors/invalid-payload.error';
import { WechatPayMalformedBodyError } from './errors/malformed-body.error';
import type {
  WechatPayNotification,
  WechatPayNotificationHeaders,
  WechatPayNotifySettings,
} from './interfaces';
import { WechatPayEnvelopeParser } from './wechatpay-envelope.parser';
import { WechatPayMchIdChecker } from './wechatpay-mchid.checker';
import { WECHATPAY_NOTIFY_SETTINGS } from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';
import { WechatPayResourceDecryptor } from './wechatpay-resource.decryptor';
import { WechatPaySignatureVerifier } from './wechatpay-signature.verifier';
import { WechatPayTransactionValidator } from './wechatpay-transaction.validator';

const TRANSACTION_EVENT_PREFIX = 'TRANSACTION.';

function parseResource(plaintext: string): Record<string, unknown> {
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    resource = undefined;
  }
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new WechatPayInvalidPayloadError(WECHATPAY_NOTIFY_MESSAGES.resourceNotJsonObject);
  }
  return resource as Record<string, unknown>;
}

/**
 * Verifies, decrypts and validates WeChat Pay API v3 notifications. Synchronous CPU work only;
 * keys are parsed once at bootstrap.
 */
@Injectable()
export class WechatPayNotificationService {
  constructor(
    @Inject(WECHATPAY_NOTIFY_SETTINGS) private readonly settings: WechatPayNotifySettings,
    private readonly verifier: WechatPaySignatureVerifier,
    private readonly envelopeParser: WechatPayEnvelopeParser,
    private readonly decryptor: WechatPayResourceDecryptor,
    private readonly transactionValidator: WechatPayTransactionValidator,
    private readonly mchIdChecker: WechatPayMchIdChecker,
  ) {}

  /**
   * Checks a notification end to end: body size, headers, timestamp window, signature over the
   * exact raw body, envelope, AES-256-GCM decryption, transaction validation (for `TRANSACTION.*`
   * events) and merchant id. Other event types are verified and decrypted too and come back
   * with `transaction: null`.
   *
   * @param headers request headers (names matched case-insensitively).
   * @param rawBody the body exactly as received, e.g. `req.rawBody` with `rawBody: true`.
   * @throws WechatPayNotifyError (see its `reason`) when the notification must be rejected.
   */
  verifyAndDecrypt(
    headers: WechatPayNotificationHeaders,
    rawBody: Buffer | undefined,
  ): WechatPayNotification {
    if (rawBody === undefined) {
      throw new WechatPayMalformedBodyError(WECHATPAY_NOTIFY_MESSAGES.missingBody);
    }
    if (rawBody.length > this.settings.maxBodyBytes) {
      throw new WechatPayBodyTooLargeError(
        WECHATPAY_NOTIFY_MESSAGES.bodyTooLarge(this.settings.maxBodyBytes),
      );
    }
    this.verifier.verify(headers, rawBody);
    const envelope = this.envelopeParser.parse(rawBody);
    const resource = parseResource(this.decryptor.decrypt(envelope.resource));

    const base = {
      id: envelope.id,
      eventType: envelope.event_type,
      createTime: envelope.create_time,
      summary: envelope.summary,
      resourceType: envelope.resource_type,
      originalType: envelope.resource.original_type,
    };
    if (envelope.event_type.startsWith(TRANSACTION_EVENT_PREFIX)) {
      const transaction = this.transactionValidator.validate(resource);
      this.mchIdChecker.check(resource);
      return { ...base, transaction, resource: transaction };
    }
    this.mchIdChecker.check(resource);
    return { ...base, transaction: null, resource };
  }
}
