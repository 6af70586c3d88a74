import {
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import type { WechatPayNotificationInput } from '@app/wechat-sandbox';
import { WechatPayNotifyError } from './errors';
import type { WechatPayNotificationResource } from './interfaces';
import { resolveWechatPayNotifySettings } from './options';
import { WechatPayResourceDecryptor } from './wechatpay-resource.decryptor';

function decryptor(apiV3Key: string = TEST_MERCHANT.apiV3Key): WechatPayResourceDecryptor {
  return new WechatPayResourceDecryptor(
    resolveWechatPayNotifySettings({
      mchId: TEST_MERCHANT.mchId,
      apiV3Key,
      publicKeys: [
        { id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem },
      ],
    }),
  );
}

function encrypted(input: Partial<WechatPayNotificationInput> = {}) {
  const n = buildWechatPayNotification({
    apiV3Key: TEST_MERCHANT.apiV3Key,
    signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    ...input,
  });
  const resource = (JSON.parse(n.body) as { resource: WechatPayNotificationResource }).resource;
  return { resource, transaction: n.transaction };
}

function rejection(run: () => unknown): WechatPayNotifyError {
  try {
    run();
  } catch (error) {
    if (error instanceof WechatPayNotifyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('WechatPayResourceDecryptor', () => {
  const subject = decryptor();

  it('decrypts AEAD_AES_256_GCM resources to the original JSON', () => {
    const { resource, transaction } = encrypted();
    expect(JSON.parse(subject.decrypt(resource))).toEqual(transaction);
  });

  it('decrypts with empty associated data', () => {
    const { resource, transaction } = encrypted({ associatedData: '' });
    expect(resource.associated_data).toBe('');
    expect(JSON.parse(subject.decrypt(resource))).toEqual(transaction);
  });

  it('rejects a wrong APIv3 key without revealing either key', () => {
    const { resource } = encrypted();
    const wrongKey = 'WrongApiV3Key0123456789abcdefXYZ';
    const error = rejection(() => decryptor(wrongKey).decrypt(resource));
    expect(error).toMatchObject({ reason: 'decrypt-failed', name: 'WechatPayDecryptFailedError' });
    expect(error.message).not.toContain(wrongKey);
    expect(error.message).not.toContain(TEST_MERCHANT.apiV3Key);
  });

  it('rejects a tampered ciphertext, tag, nonce or associated data', () => {
    const { resource } = encrypted();
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    const flip = (index: number) => {
      const copy = Buffer.from(bytes);
      copy[index] ^= 0x01;
      return copy.toString('base64');
    };
    for (const tampered of [
      { ...resource, ciphertext: flip(0) },
      { ...resource, ciphertext: flip(bytes.length - 1) },
      { ...resource, ciphertext: bytes.subarray(0, bytes.length - 1).toString('base64') },
      { ...resource, nonce: `${resource.nonce.slice(0, 11)}!` },
      { ...resource, associated_data: 'certificate' },
      { ...resource, associated_data: '' },
    ]) {
      expect(rejection(() => subject.decrypt(tampered)).reason).toBe('decrypt-failed');
    }
  });

  it('rejects a ciphertext shorter than the tag', () => {
    const { resource } = encrypted();
    expect(
      rejection(() =>
        subject.decrypt({ ...resource, ciphertext: Buffer.alloc(15).toString('base64') }),
      ).reason,
    ).toBe('decrypt-failed');
  });

  it('rejects other algorithms', () => {
    const { resource } = encrypted();
    expect(
      rejection(() => subject.decrypt({ ...resource, algorithm: 'AEAD_SM4_GCM' })).reason,
    ).toBe('unsupported-algorithm');
  });
});
