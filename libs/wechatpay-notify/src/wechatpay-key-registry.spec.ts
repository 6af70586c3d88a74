import { X509Certificate, createPublicKey } from 'node:crypto';
import {
  TEST_ATTACKER_KEY,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
} from '@app/wechat-sandbox';
import { WechatPayKeyRegistry } from './wechatpay-key-registry';

const publicKey = { id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem };

describe('WechatPayKeyRegistry', () => {
  it('parses public keys and every certificate of a concatenated PEM', () => {
    const { registry, problems } = WechatPayKeyRegistry.parse(
      [publicKey],
      TEST_PLATFORM_CERTIFICATES_PEM,
    );

    expect(problems).toEqual([]);
    expect(registry.serials).toEqual([
      TEST_WECHATPAY_PUBLIC_KEY.id,
      ...TEST_PLATFORM_CERTIFICATES.map((c) => c.serial),
    ]);
    const expected = createPublicKey(TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem);
    expect(registry.find(TEST_WECHATPAY_PUBLIC_KEY.id)?.equals(expected)).toBe(true);
    for (const certificate of TEST_PLATFORM_CERTIFICATES) {
      const key = new X509Certificate(certificate.certificatePem).publicKey;
      expect(registry.find(certificate.serial)?.equals(key)).toBe(true);
    }
  });

  it('matches serials case-insensitively and ignores leading zeros of hex serials', () => {
    const { registry } = WechatPayKeyRegistry.parse([publicKey], TEST_PLATFORM_CERTIFICATES_PEM);
    const [first] = TEST_PLATFORM_CERTIFICATES;

    expect(registry.find(first.serial.toLowerCase())).toBeDefined();
    expect(registry.find(`00${first.serial}`)).toBeDefined();
    expect(registry.find(TEST_WECHATPAY_PUBLIC_KEY.id.toLowerCase())).toBeDefined();
    expect(registry.find('PUB_KEY_ID_0000')).toBeUndefined();
    expect(registry.find('')).toBeUndefined();
  });

  it('reports unusable keys by field without their content', () => {
    const { problems } = WechatPayKeyRegistry.parse(
      [
        { id: 'PUB_KEY_ID_1', pem: 'not a key' },
        publicKey,
        { id: TEST_WECHATPAY_PUBLIC_KEY.id.toLowerCase(), pem: TEST_ATTACKER_KEY.publicKeyPem },
      ],
      `${TEST_PLATFORM_CERTIFICATES[0].certificatePem}${TEST_PLATFORM_CERTIFICATES[0].certificatePem}` +
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );

    expect(problems).toEqual([
      'publicKeys[0].pem: is not a PEM public key',
      'publicKeys[2].id: is configured more than once',
      'platformCertificates (certificate #2): serial number is configured more than once',
      'platformCertificates (certificate #3): is not a valid X.509 certificate',
    ]);
  });

  it('reports a certificate text without any certificate', () => {
    expect(WechatPayKeyRegistry.parse([], TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem).problems).toEqual(
      ['platformCertificates: contains no PEM certificate'],
    );
  });
});
