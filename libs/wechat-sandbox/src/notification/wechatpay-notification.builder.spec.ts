import {
  X509Certificate,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  verify,
} from 'node:crypto';
import type { KeyLike } from 'node:crypto';
import {
  TEST_ATTACKER_KEY,
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
} from './test-merchant-keys';
import { buildWechatPayNotification, toWechatPayTime } from './wechatpay-notification.builder';
import type { WechatPayNotificationFixture } from './interfaces';

interface ParsedEnvelope {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: {
    original_type: string;
    algorithm: string;
    ciphertext: string;
    associated_data: string;
    nonce: string;
  };
}

function signatureValid(n: WechatPayNotificationFixture, key: KeyLike, body = n.body): boolean {
  const message = `${n.headers['Wechatpay-Timestamp']}\n${n.headers['Wechatpay-Nonce']}\n${body}\n`;
  return verify(
    'sha256',
    Buffer.from(message),
    key,
    Buffer.from(n.headers['Wechatpay-Signature'], 'base64'),
  );
}

function decrypt(envelope: ParsedEnvelope, apiV3Key: string): string {
  const data = Buffer.from(envelope.resource.ciphertext, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key),
    Buffer.from(envelope.resource.nonce),
  );
  decipher.setAAD(Buffer.from(envelope.resource.associated_data));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([
    decipher.update(data.subarray(0, data.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

const base = {
  apiV3Key: TEST_MERCHANT.apiV3Key,
  signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
};

describe('test key material', () => {
  it('pairs the WeChat Pay public key with its private key', () => {
    const derived = createPublicKey(createPrivateKey(TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem));
    expect(derived.export({ type: 'spki', format: 'pem' })).toBe(
      TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem,
    );
    expect(TEST_WECHATPAY_PUBLIC_KEY.id).toBe('PUB_KEY_ID_0114232134912410000000000000');
  });

  it('has two RSA-2048 platform certificates with distinct declared serials and matching keys', () => {
    const serials = TEST_PLATFORM_CERTIFICATES.map((entry) => {
      const certificate = new X509Certificate(entry.certificatePem);
      expect(certificate.serialNumber).toBe(entry.serial);
      expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(certificate.checkPrivateKey(createPrivateKey(entry.privateKeyPem))).toBe(true);
      expect(TEST_PLATFORM_CERTIFICATES_PEM).toContain(entry.certificatePem);
      return entry.serial;
    });
    expect(new Set(serials).size).toBe(2);
  });

  it('has an attacker key unrelated to every trusted key', () => {
    const attacker = createPublicKey(TEST_ATTACKER_KEY.privateKeyPem).export({
      type: 'spki',
      format: 'der',
    });
    const trusted = [
      createPublicKey(TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem),
      ...TEST_PLATFORM_CERTIFICATES.map((c) => new X509Certificate(c.certificatePem).publicKey),
    ].map((key) => key.export({ type: 'spki', format: 'der' }));
    for (const key of trusted) expect(key.equals(attacker)).toBe(false);
  });

  it('uses a 32-byte ASCII APIv3 key and the documented test merchant', () => {
    expect(Buffer.byteLength(TEST_MERCHANT.apiV3Key, 'utf8')).toBe(32);
    expect(TEST_MERCHANT.apiV3Key).toMatch(/^[\x21-\x7e]{32}$/);
    expect(TEST_MERCHANT).toMatchObject({ mchId: '1900000001', appId: 'wx8888888888888888' });
  });
});

describe('buildWechatPayNotification', () => {
  it('signs timestamp, nonce and the exact body with SHA256-RSA and sets WeChat headers', () => {
    const n = buildWechatPayNotification(base);

    expect(n.headers).toEqual({
      'Content-Type': 'application/json',
      'Wechatpay-Timestamp': expect.stringMatching(/^\d{10}$/),
      'Wechatpay-Nonce': expect.stringMatching(/^[0-9A-F]{32}$/),
      'Wechatpay-Signature': expect.any(String),
      'Wechatpay-Serial': TEST_WECHATPAY_PUBLIC_KEY.id,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    });
    expect(Math.abs(Number(n.headers['Wechatpay-Timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(signatureValid(n, TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem)).toBe(true);
    expect(signatureValid(n, TEST_ATTACKER_KEY.publicKeyPem)).toBe(false);
    expect(signatureValid(n, TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem, `${n.body} `)).toBe(false);
  });

  it('builds the documented envelope and encrypts the transaction with AES-256-GCM', () => {
    const n = buildWechatPayNotification(base);
    const envelope = JSON.parse(n.body) as ParsedEnvelope;

    expect(envelope).toEqual({
      id: n.notificationId,
      create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: expect.any(String),
        associated_data: 'transaction',
        nonce: expect.stringMatching(/^[0-9a-f]{12}$/),
      },
    });
    expect(n.notificationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(decrypt(envelope, TEST_MERCHANT.apiV3Key))).toEqual(n.transaction);
    expect(() => decrypt(envelope, 'x'.repeat(32))).toThrow();
  });

  it('defaults to a successful JSAPI payment of the test merchant at the signing time', () => {
    const n = buildWechatPayNotification({ ...base, timestamp: 1_700_000_000 });

    expect(n.transaction).toEqual({
      appid: TEST_MERCHANT.appId,
      mchid: TEST_MERCHANT.mchId,
      out_trade_no: expect.stringMatching(/^TEST\d{20}$/),
      transaction_id: expect.stringMatching(/^4200\d{24}$/),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: '2023-11-15T06:13:20+08:00',
      payer: { openid: expect.stringMatching(/^o[\w-]{27}$/) },
      amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(buildWechatPayNotification(base).transaction.transaction_id).not.toBe(
      n.transaction.transaction_id,
    );
  });

  it('uses the given timestamp, nonces, id, associated data and fields', () => {
    const n = buildWechatPayNotification({
      ...base,
      timestamp: 1_716_182_975,
      nonce: 'fixed-nonce',
      resourceNonce: 'abcdefghijkl',
      id: 'EV-2018022511223320873',
      associatedData: '',
      eventType: 'REFUND.SUCCESS',
      out_trade_no: 'ORDER-1',
      trade_state: 'CLOSED',
      amount: { total: 1 },
      payer: { openid: 'o-fixed' },
    });
    const envelope = JSON.parse(n.body) as ParsedEnvelope;

    expect(n.headers['Wechatpay-Timestamp']).toBe('1716182975');
    expect(n.headers['Wechatpay-Nonce']).toBe('fixed-nonce');
    expect(envelope.id).toBe('EV-2018022511223320873');
    expect(envelope.create_time).toBe('2024-05-20T13:29:35+08:00');
    expect(envelope.event_type).toBe('REFUND.SUCCESS');
    expect(envelope.resource).toMatchObject({ associated_data: '', nonce: 'abcdefghijkl' });
    expect(JSON.parse(decrypt(envelope, TEST_MERCHANT.apiV3Key))).toMatchObject({
      out_trade_no: 'ORDER-1',
      trade_state: 'CLOSED',
      amount: { total: 1, payer_total: 100, currency: 'CNY' },
      payer: { openid: 'o-fixed' },
    });
    expect(signatureValid(n, TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem)).toBe(true);
  });

  it('builds partner-mode transactions when direct fields are given as undefined', () => {
    const n = buildWechatPayNotification({
      ...base,
      appid: undefined,
      mchid: undefined,
      sp_appid: 'wx1111111111111111',
      sp_mchid: '1900000100',
      sub_mchid: TEST_MERCHANT.mchId,
      payer: { sp_openid: 'o-sp', sub_openid: 'o-sub' },
    });
    const decrypted = JSON.parse(decrypt(JSON.parse(n.body), TEST_MERCHANT.apiV3Key));

    expect(decrypted).not.toHaveProperty('appid');
    expect(decrypted).not.toHaveProperty('mchid');
    expect(decrypted).toMatchObject({
      sp_appid: 'wx1111111111111111',
      sp_mchid: '1900000100',
      sub_mchid: TEST_MERCHANT.mchId,
      payer: { sp_openid: 'o-sp', sub_openid: 'o-sub' },
    });
  });

  it('signs with each platform certificate key and announces its serial', () => {
    for (const certificate of TEST_PLATFORM_CERTIFICATES) {
      const n = buildWechatPayNotification({ ...base, signer: certificate.signer });
      const x509 = new X509Certificate(certificate.certificatePem);
      expect(n.headers['Wechatpay-Serial']).toBe(x509.serialNumber);
      expect(signatureValid(n, x509.publicKey)).toBe(true);
    }
  });

  it('accepts an already parsed KeyObject as signer key', () => {
    const n = buildWechatPayNotification({
      ...base,
      signer: { privateKey: createPrivateKey(TEST_ATTACKER_KEY.privateKeyPem), serial: 'X' },
    });
    expect(signatureValid(n, TEST_ATTACKER_KEY.publicKeyPem)).toBe(true);
  });

  describe('overrides', () => {
    it('replaces the signature and headers, removing a header given as null', () => {
      const n = buildWechatPayNotification({
        ...base,
        overrides: {
          signature: 'WECHATPAY/SIGNTEST/abc',
          headers: { 'wechatpay-serial': 'OTHER', 'Wechatpay-Nonce': null },
        },
      });
      expect(n.headers['Wechatpay-Signature']).toBe('WECHATPAY/SIGNTEST/abc');
      expect(n.headers['wechatpay-serial']).toBe('OTHER');
      expect(n.headers).not.toHaveProperty('Wechatpay-Serial');
      expect(n.headers).not.toHaveProperty('Wechatpay-Nonce');
    });

    it('signs signedBody while sending the real body (tampering after signing)', () => {
      const n = buildWechatPayNotification({ ...base, overrides: { signedBody: '{"x":1}' } });
      const key = TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem;
      expect(signatureValid(n, key)).toBe(false);
      expect(signatureValid(n, key, '{"x":1}')).toBe(true);
    });

    it('sends and signs a raw body', () => {
      const n = buildWechatPayNotification({ ...base, overrides: { body: 'not json' } });
      expect(n.body).toBe('not json');
      expect(signatureValid(n, TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem)).toBe(true);
    });

    it('patches transaction, plaintext, resource and envelope fields', () => {
      const patched = buildWechatPayNotification({
        ...base,
        overrides: {
          transaction: { amount: { total: '100' }, payer: undefined, extra_field: 1 },
          resource: { algorithm: 'AEAD_SM4_GCM' },
          envelope: { summary: undefined, event_type: 'X' },
        },
      });
      const envelope = JSON.parse(patched.body) as ParsedEnvelope;
      expect(envelope).not.toHaveProperty('summary');
      expect(envelope.event_type).toBe('X');
      expect(envelope.resource.algorithm).toBe('AEAD_SM4_GCM');
      const decrypted = JSON.parse(decrypt(envelope, TEST_MERCHANT.apiV3Key));
      expect(decrypted).toEqual(patched.transaction);
      expect(decrypted).toMatchObject({ amount: { total: '100' }, extra_field: 1 });
      expect(decrypted).not.toHaveProperty('payer');

      const raw = buildWechatPayNotification({ ...base, overrides: { plaintext: '{oops' } });
      expect(decrypt(JSON.parse(raw.body), TEST_MERCHANT.apiV3Key)).toBe('{oops');
    });
  });
});

describe('toWechatPayTime', () => {
  it('formats epoch milliseconds in +08:00', () => {
    expect(toWechatPayTime(Date.UTC(2015, 4, 20, 5, 29, 35))).toBe('2015-05-20T13:29:35+08:00');
  });
});
