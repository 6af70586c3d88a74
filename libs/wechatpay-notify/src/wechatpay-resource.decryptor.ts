import { Inject, Injectable } from '@nestjs/common';
import { createDecipheriv } from 'node:crypto';
import { WechatPayDecryptFailedError } from './errors/decrypt-failed.error';
import { WechatPayUnsupportedAlgorithmError } from './errors/unsupported-algorithm.error';
import type { WechatPayNotificationResource, WechatPayNotifySettings } from './interfaces';
import {
  WECHATPAY_NOTIFY_SETTINGS,
  WECHATPAY_RESOURCE_ALGORITHM_AES_GCM,
} from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

const TAG_LENGTH = 16;

/**
 * Decrypts a notification `resource` (AEAD_AES_256_GCM): key = the APIv3 key bytes,
 * IV = `nonce` bytes, AAD = `associated_data` bytes, input = base64 ciphertext with the
 * 16-byte tag appended.
 */
@Injectable()
export class WechatPayResourceDecryptor {
  constructor(
    @Inject(WECHATPAY_NOTIFY_SETTINGS) private readonly settings: WechatPayNotifySettings,
  ) {}

  /**
   * @returns the UTF-8 plaintext.
   * @throws WechatPayUnsupportedAlgorithmError for another algorithm (e.g. `AEAD_SM4_GCM`).
   * @throws WechatPayDecryptFailedError when authentication fails.
   */
  decrypt(resource: WechatPayNotificationResource): string {
    if (resource.algorithm !== WECHATPAY_RESOURCE_ALGORITHM_AES_GCM) {
      throw new WechatPayUnsupportedAlgorithmError(
        WECHATPAY_NOTIFY_MESSAGES.unsupportedResourceAlgorithm,
      );
    }
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (data.length < TAG_LENGTH || resource.nonce.length === 0) {
      throw new WechatPayDecryptFailedError(WECHATPAY_NOTIFY_MESSAGES.decryptFailed);
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.settings.apiV3Key,
        Buffer.from(resource.nonce, 'utf8'),
        { authTagLength: TAG_LENGTH },
      );
      decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
      return Buffer.concat([
        decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new WechatPayDecryptFailedError(WECHATPAY_NOTIFY_MESSAGES.decryptFailed);
    }
  }
}
