import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import {
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import type { WechatPayNotificationFixture, WechatPayNotificationInput } from '@app/wechat-sandbox';
import { WechatPayNotifyError } from './errors';
import type { WechatPayNotifyModuleOptions } from './interfaces';
import { WechatPayNotificationService } from './wechatpay-notification.service';
import { WechatPayNotifyModule } from './wechatpay-notify.module';

const NOW = 1_716_182_975;

function options(
  overrides: Partial<WechatPayNotifyModuleOptions> = {},
): WechatPayNotifyModuleOptions {
  return {
    mchId: TEST_MERCHANT.mchId,
    apiV3Key: TEST_MERCHANT.apiV3Key,
    publicKeys: [{ id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem }],
    platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
    now: () => NOW * 1000,
    ...overrides,
  };
}

function notification(
  input: Partial<WechatPayNotificationInput> = {},
): WechatPayNotificationFixture {
  return buildWechatPayNotification({
    apiV3Key: TEST_MERCHANT.apiV3Key,
    signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    timestamp: NOW,
    ...input,
  });
}

describe('WechatPayNotificationService', () => {
  let moduleRef: TestingModule;
  let service: WechatPayNotificationService;

  async function start(overrides: Partial<WechatPayNotifyModuleOptions> = {}) {
    await moduleRef?.close();
    moduleRef = await Test.createTestingModule({
      imports: [WechatPayNotifyModule.forRoot(options(overrides))],
    }).compile();
    service = moduleRef.get(WechatPayNotificationService);
  }

  beforeEach(() => start());
  afterEach(() => moduleRef.close());

  function handle(n: WechatPayNotificationFixture) {
    return service.verifyAndDecrypt(n.headers, Buffer.from(n.body));
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

  it('verifies and decrypts a TRANSACTION.SUCCESS notification', () => {
    const n = notification({ id: 'EV-1', out_trade_no: 'ORDER-1' });

    const result = handle(n);

    expect(result).toEqual({
      id: 'EV-1',
      eventType: 'TRANSACTION.SUCCESS',
      createTime: '2024-05-20T13:29:35+08:00',
      summary: '支付成功',
      resourceType: 'encrypt-resource',
      originalType: 'transaction',
      transaction: n.transaction,
      resource: n.transaction,
    });
    const tx = result.transaction;
    if (tx === null || !('mchid' in tx) || tx.trade_state !== 'SUCCESS') throw new Error('paid');
    // Narrowed types: direct-mode payer and required payment details.
    const paid: { openid: string; successTime: string; total: number } = {
      openid: tx.payer.openid,
      successTime: tx.success_time,
      total: tx.amount.total,
    };
    expect(paid).toEqual({
      openid: n.transaction.payer?.openid,
      successTime: '2024-05-20T13:29:35+08:00',
      total: 100,
    });
    expect(tx.out_trade_no).toBe('ORDER-1');
  });

  it('accepts notifications signed with a platform certificate', () => {
    for (const certificate of TEST_PLATFORM_CERTIFICATES) {
      const n = notification({ signer: certificate.signer });
      expect(handle(n).transaction).toEqual(n.transaction);
    }
  });

  it('hands back a transaction in another trade_state for the app to acknowledge', () => {
    const n = notification({
      trade_state: 'CLOSED',
      success_time: undefined,
      bank_type: undefined,
    });
    expect(handle(n).transaction).toMatchObject({ trade_state: 'CLOSED' });
  });

  it('verifies and decrypts other event types without validating them as transactions', () => {
    const refund = { mchid: TEST_MERCHANT.mchId, out_refund_no: 'R-1', refund_status: 'SUCCESS' };
    const n = notification({
      eventType: 'REFUND.SUCCESS',
      associatedData: 'refund',
      overrides: { plaintext: JSON.stringify(refund), resource: { original_type: 'refund' } },
    });

    const result = handle(n);

    expect(result).toMatchObject({ eventType: 'REFUND.SUCCESS', originalType: 'refund' });
    expect(result.transaction).toBeNull();
    expect(result.resource).toEqual(refund);
  });

  it('still checks the merchant of other event types when they carry one', () => {
    const n = notification({
      eventType: 'REFUND.SUCCESS',
      overrides: { plaintext: JSON.stringify({ mchid: '1900000999' }) },
    });
    expect(rejection(() => handle(n)).reason).toBe('mchid-mismatch');
  });

  it('rejects a transaction of another merchant', () => {
    const n = notification({ mchid: '1900000999' });
    expect(rejection(() => handle(n))).toMatchObject({
      reason: 'mchid-mismatch',
      message: 'Notification belongs to another merchant',
    });
  });

  it('accepts partner-mode transactions whose sp_mchid or sub_mchid is ours', () => {
    const partner = (sp: string, sub: string) =>
      notification({
        appid: undefined,
        mchid: undefined,
        sp_appid: 'wx1111111111111111',
        sp_mchid: sp,
        sub_mchid: sub,
        payer: { sp_openid: 'o-sp' },
      });
    expect(handle(partner('1900000100', TEST_MERCHANT.mchId)).transaction).toMatchObject({
      sub_mchid: TEST_MERCHANT.mchId,
    });
    expect(handle(partner(TEST_MERCHANT.mchId, '1900000200')).transaction).not.toBeNull();
    expect(rejection(() => handle(partner('1900000100', '1900000200'))).reason).toBe(
      'mchid-mismatch',
    );
  });

  it('rejects an invalid transaction', () => {
    const n = notification({ payer: {} });
    expect(rejection(() => handle(n))).toMatchObject({
      reason: 'invalid-payload',
      fields: ['payer.openid'],
    });
  });

  it('rejects a decrypted resource that is not a JSON object', () => {
    for (const plaintext of ['not json', '[1]', 'null']) {
      const n = notification({ overrides: { plaintext } });
      expect(rejection(() => handle(n)).reason).toBe('invalid-payload');
    }
  });

  it('rejects a body altered after signing', () => {
    const n = notification();
    const tampered = notification({ overrides: { signedBody: n.body } });
    expect(rejection(() => handle(tampered)).reason).toBe('bad-signature');
  });

  it('rejects a signed body that is not a notification envelope', () => {
    expect(rejection(() => handle(notification({ overrides: { body: '{"id":' } }))).reason).toBe(
      'malformed-body',
    );
    const noResource = notification({ overrides: { envelope: { resource: undefined } } });
    expect(rejection(() => handle(noResource))).toMatchObject({
      reason: 'malformed-body',
      message: 'Notification envelope is malformed: resource',
    });
  });

  it('rejects a resource encrypted with another APIv3 key', () => {
    const n = notification({ apiV3Key: 'AnotherApiV3Key0123456789abcdefX' });
    expect(rejection(() => handle(n)).reason).toBe('decrypt-failed');
  });

  it('rejects an unsupported resource algorithm', () => {
    const n = notification({ overrides: { resource: { algorithm: 'AEAD_SM4_GCM' } } });
    expect(rejection(() => handle(n)).reason).toBe('unsupported-algorithm');
  });

  it('rejects a missing raw body', () => {
    const n = notification();
    expect(rejection(() => service.verifyAndDecrypt(n.headers, undefined))).toMatchObject({
      reason: 'malformed-body',
    });
  });

  it('rejects a body over maxBodyBytes before anything else', async () => {
    await start({ maxBodyBytes: 1024 });
    const small = notification();
    expect(Buffer.byteLength(small.body)).toBeLessThanOrEqual(1024);
    expect(handle(small).transaction).not.toBeNull();

    const big = notification({ attach: 'x'.repeat(1024) });
    expect(rejection(() => service.verifyAndDecrypt({}, Buffer.from(big.body)))).toMatchObject({
      reason: 'body-too-large',
      message: 'Request body is larger than 1024 bytes',
    });
  });

  it('rejects bodies over 64 KiB by default', () => {
    const n = notification();
    const body = Buffer.alloc(64 * 1024 + 1, 0x20);
    expect(rejection(() => service.verifyAndDecrypt(n.headers, body)).reason).toBe(
      'body-too-large',
    );
    expect(rejection(() => service.verifyAndDecrypt(n.headers, body.subarray(1))).reason).toBe(
      'bad-signature',
    );
  });

  it('rejects a stale notification (replay) even when correctly signed', () => {
    const n = notification({ timestamp: NOW - 301 });
    expect(rejection(() => handle(n)).reason).toBe('stale-timestamp');
  });

  it('never puts the APIv3 key, a private key or the body into an error message', () => {
    const messages = [
      notification({ apiV3Key: 'AnotherApiV3Key0123456789abcdefX' }),
      notification({ payer: {} }),
      notification({ mchid: '1900000999' }),
      notification({ overrides: { signature: 'QUJD' } }),
    ].map((n) => rejection(() => handle(n)).message);
    for (const message of messages) {
      expect(message).not.toContain(TEST_MERCHANT.apiV3Key);
      expect(message).not.toContain('AnotherApiV3Key');
      expect(message).not.toContain('PRIVATE');
      expect(message).not.toContain('1900000999');
      expect(message.length).toBeLessThan(120);
    }
  });
});
