import {
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
} from '@app/wechat-sandbox';
import { WechatPayNotifyOptionsError } from '../errors';
import { resolveWechatPayNotifySettings } from './wechatpay-notify-settings.resolver';

const valid = {
  mchId: TEST_MERCHANT.mchId,
  apiV3Key: TEST_MERCHANT.apiV3Key,
  publicKeys: [{ id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem }],
};

function problemsOf(options: unknown): readonly string[] {
  try {
    resolveWechatPayNotifySettings(options);
  } catch (error) {
    if (error instanceof WechatPayNotifyOptionsError) return error.problems;
    throw error;
  }
  return [];
}

describe('resolveWechatPayNotifySettings', () => {
  it('applies defaults and parses keys once', () => {
    const settings = resolveWechatPayNotifySettings(valid);

    expect(settings).toMatchObject({
      mchId: TEST_MERCHANT.mchId,
      maxClockSkewSeconds: 300,
      maxBodyBytes: 64 * 1024,
      now: Date.now,
    });
    expect(settings.apiV3Key.equals(Buffer.from(TEST_MERCHANT.apiV3Key))).toBe(true);
    expect(settings.keyRegistry.serials).toEqual([TEST_WECHATPAY_PUBLIC_KEY.id]);
  });

  it('keeps given values, including the clock', () => {
    const now = () => 42;
    const settings = resolveWechatPayNotifySettings({
      ...valid,
      platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
      maxClockSkewSeconds: 60,
      maxBodyBytes: 2048,
      now,
    });
    expect(settings).toMatchObject({ maxClockSkewSeconds: 60, maxBodyBytes: 2048, now });
    expect(settings.keyRegistry.size).toBe(1 + TEST_PLATFORM_CERTIFICATES.length);
  });

  it('accepts certificates alone', () => {
    expect(
      problemsOf({
        ...valid,
        publicKeys: undefined,
        platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
      }),
    ).toEqual([]);
  });

  it('names every bad field at once', () => {
    expect(
      problemsOf({
        mchId: 1900000001,
        apiV3Key: 'é'.repeat(16) + 'x',
        publicKeys: [{ id: 'PUB_KEY_ID_1' }, 'key'],
        platformCertificates: '',
        maxBodyBytes: 1.5,
        now: 'yesterday',
        mchid: '1900000001',
      }),
    ).toEqual([
      'mchid: property mchid should not exist',
      'mchId: must be a non-empty merchant id without spaces, must be a string',
      'apiV3Key: must be exactly 32 bytes',
      'publicKeys[0].pem: must not be empty, must be a string',
      'publicKeys[1]: must be an object { id, pem }',
      'platformCertificates: must not be empty',
      'maxBodyBytes: must be an integer number of bytes',
      'now: must be a function returning epoch milliseconds',
    ]);
  });

  it('counts the APIv3 key in bytes, not characters', () => {
    expect(problemsOf({ ...valid, apiV3Key: 'é'.repeat(16) })).toEqual([]);
    expect(problemsOf({ ...valid, apiV3Key: 'é'.repeat(17) })).toEqual([
      'apiV3Key: must be exactly 32 bytes',
    ]);
  });

  it('reports unparsable keys after the field checks pass', () => {
    expect(problemsOf({ ...valid, publicKeys: [{ id: 'PUB_KEY_ID_1', pem: 'garbage' }] })).toEqual([
      'publicKeys[0].pem: is not a PEM public key',
    ]);
  });

  it('rejects a missing options object', () => {
    expect(problemsOf(undefined)).toEqual(['options: must be an object']);
  });
});
