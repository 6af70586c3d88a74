import {
  TEST_ATTACKER_KEY,
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import type { WechatPayNotificationInput, WechatPayNotificationFixture } from '@app/wechat-sandbox';
import { verify as cryptoVerify } from 'node:crypto';
import { WechatPayNotifyError } from './errors';
import type { WechatPayNotifyModuleOptions } from './interfaces';
import { resolveWechatPayNotifySettings } from './options';
import { WechatPaySignatureVerifier } from './wechatpay-signature.verifier';

// Counts RSA verifications (each hashes the whole body) while still doing them.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, verify: jest.fn(actual.verify) };
});

const NOW = 1_716_182_975;

function verifier(options: Partial<WechatPayNotifyModuleOptions> = {}): WechatPaySignatureVerifier {
  return new WechatPaySignatureVerifier(
    resolveWechatPayNotifySettings({
      mchId: TEST_MERCHANT.mchId,
      apiV3Key: TEST_MERCHANT.apiV3Key,
      publicKeys: [
        { id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem },
      ],
      now: () => NOW * 1000,
      ...options,
    }),
  );
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

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function rejection(run: () => void): { reason: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof WechatPayNotifyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('WechatPaySignatureVerifier', () => {
  const subject = verifier();

  it('accepts a notification signed with the WeChat Pay public key', () => {
    const n = notification();
    expect(() => subject.verify(lowerCase(n.headers), Buffer.from(n.body))).not.toThrow();
  });

  it('accepts notifications signed with either certificate of one concatenated PEM', () => {
    const certificatesOnly = verifier({
      publicKeys: undefined,
      platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
    });
    for (const certificate of TEST_PLATFORM_CERTIFICATES) {
      const n = notification({ signer: certificate.signer });
      expect(() => certificatesOnly.verify(n.headers, Buffer.from(n.body))).not.toThrow();
      const lower = notification({
        signer: { ...certificate.signer, serial: certificate.serial.toLowerCase() },
      });
      expect(() => certificatesOnly.verify(lower.headers, Buffer.from(lower.body))).not.toThrow();
    }
    const n = notification();
    expect(rejection(() => certificatesOnly.verify(n.headers, Buffer.from(n.body))).reason).toBe(
      'unknown-serial',
    );
  });

  it('reads header names case-insensitively', () => {
    const n = notification();
    const upper = Object.fromEntries(
      Object.entries(n.headers).map(([k, v]) => [k.toUpperCase(), v]),
    );
    for (const headers of [n.headers, lowerCase(n.headers), upper]) {
      expect(() => subject.verify(headers, Buffer.from(n.body))).not.toThrow();
    }
  });

  it('verifies the exact raw bytes: one added whitespace fails, a pretty-printed body signed as-is passes', () => {
    const n = notification();
    const spaced = n.body.replace('","', '", "');
    expect(spaced).not.toBe(n.body);
    expect(JSON.parse(spaced)).toEqual(JSON.parse(n.body));
    expect(rejection(() => subject.verify(n.headers, Buffer.from(spaced))).reason).toBe(
      'bad-signature',
    );
    expect(rejection(() => subject.verify(n.headers, Buffer.from(`${n.body}\n`))).reason).toBe(
      'bad-signature',
    );

    const pretty = notification({
      overrides: { body: JSON.stringify(JSON.parse(n.body), null, 2) },
    });
    expect(() => subject.verify(pretty.headers, Buffer.from(pretty.body))).not.toThrow();
  });

  it('verifies bytes, not text: a non-ASCII body is signed over its UTF-8 bytes', () => {
    const n = notification({ summary: '支付成功 ✓' });
    expect(() => subject.verify(n.headers, Buffer.from(n.body, 'utf8'))).not.toThrow();
    expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body, 'latin1'))).reason).toBe(
      'bad-signature',
    );
  });

  it.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'rejects a missing or empty %s header',
    (header) => {
      for (const value of [null, '']) {
        const n = notification({ overrides: { headers: { [header]: value } } });
        const error = rejection(() => subject.verify(n.headers, Buffer.from(n.body)));
        expect(error).toMatchObject({ reason: 'missing-header' });
        expect(error.message).toContain(header);
      }
    },
  );

  it('rejects a repeated header', () => {
    const n = notification();
    const headers = { ...lowerCase(n.headers), 'wechatpay-serial': ['A', 'B'] };
    expect(rejection(() => subject.verify(headers, Buffer.from(n.body))).reason).toBe(
      'missing-header',
    );
    const single = { ...lowerCase(n.headers), 'wechatpay-serial': [TEST_WECHATPAY_PUBLIC_KEY.id] };
    expect(() => subject.verify(single, Buffer.from(n.body))).not.toThrow();
  });

  it.each(['abc', '1716182975.5', '-1716182975', ' 1716182975'])(
    'rejects the non-numeric timestamp %p',
    (timestamp) => {
      const n = notification({ overrides: { headers: { 'Wechatpay-Timestamp': timestamp } } });
      expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body)))).toMatchObject({
        reason: 'missing-header',
        message: 'Wechatpay-Timestamp header is not a unix timestamp',
      });
    },
  );

  it.each([
    [-301, 'stale-timestamp'],
    [301, 'stale-timestamp'],
    [-300, null],
    [300, null],
  ])('with the clock %p s away from the timestamp answers %p', (offset, reason) => {
    const n = notification({ timestamp: NOW + offset });
    if (reason === null) {
      expect(() => subject.verify(n.headers, Buffer.from(n.body))).not.toThrow();
    } else {
      expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body)))).toMatchObject({
        reason,
        skewSeconds: -offset,
      });
    }
  });

  it('honours maxClockSkewSeconds', () => {
    const n = notification({ timestamp: NOW - 61 });
    expect(() => subject.verify(n.headers, Buffer.from(n.body))).not.toThrow();
    expect(
      rejection(() => verifier({ maxClockSkewSeconds: 60 }).verify(n.headers, Buffer.from(n.body)))
        .reason,
    ).toBe('stale-timestamp');
  });

  it('rejects an unknown serial', () => {
    const n = notification({
      signer: {
        ...TEST_WECHATPAY_PUBLIC_KEY.signer,
        serial: 'PUB_KEY_ID_0114232134912410000000000001',
      },
    });
    expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body)))).toMatchObject({
      reason: 'unknown-serial',
      serial: 'PUB_KEY_ID_0114232134912410000000000001',
    });
  });

  it('rejects a signature by an untrusted key announced with a trusted serial', () => {
    const n = notification({
      signer: { privateKey: TEST_ATTACKER_KEY.privateKeyPem, serial: TEST_WECHATPAY_PUBLIC_KEY.id },
    });
    expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body))).reason).toBe(
      'bad-signature',
    );
  });

  it('rejects a signature made with another trusted key than the announced serial', () => {
    const n = notification({
      signer: {
        privateKey: TEST_PLATFORM_CERTIFICATES[0].privateKeyPem,
        serial: TEST_PLATFORM_CERTIFICATES[1].serial,
      },
    });
    expect(
      rejection(() =>
        verifier({ platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM }).verify(
          n.headers,
          Buffer.from(n.body),
        ),
      ).reason,
    ).toBe('bad-signature');
  });

  it.each(['', 'not base64 at all!', Buffer.alloc(256).toString('base64'), 'QUJD'])(
    'rejects the garbage signature %p',
    (signature) => {
      const n = notification({ overrides: { signature } });
      const error = rejection(() => subject.verify(n.headers, Buffer.from(n.body)));
      expect(error.reason).toBe(signature === '' ? 'missing-header' : 'bad-signature');
    },
  );

  it('rejects a signature made over other timestamp or nonce', () => {
    const n = notification();
    const headers = { ...n.headers, 'Wechatpay-Nonce': `${n.headers['Wechatpay-Nonce']}X` };
    expect(rejection(() => subject.verify(headers, Buffer.from(n.body))).reason).toBe(
      'bad-signature',
    );
    const shifted = { ...n.headers, 'Wechatpay-Timestamp': String(NOW + 1) };
    expect(rejection(() => subject.verify(shifted, Buffer.from(n.body))).reason).toBe(
      'bad-signature',
    );
  });

  it('reports WeChat Pay signature probes with their own reason', () => {
    const n = notification({ overrides: { signature: 'WECHATPAY/SIGNTEST/OTgwNzY0MzQ1Njc4OQ==' } });
    expect(rejection(() => subject.verify(n.headers, Buffer.from(n.body))).reason).toBe(
      'signature-probe',
    );
  });

  it('rejects other signature types and accepts a missing one', () => {
    const sm = notification({
      overrides: { headers: { 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' } },
    });
    expect(rejection(() => subject.verify(sm.headers, Buffer.from(sm.body))).reason).toBe(
      'unsupported-algorithm',
    );
    const none = notification({ overrides: { headers: { 'Wechatpay-Signature-Type': null } } });
    expect(() => subject.verify(none.headers, Buffer.from(none.body))).not.toThrow();
  });

  it('refuses a signature of the wrong length before hashing the body', () => {
    const n = notification();
    const forged = Buffer.alloc(64 * 1024, 0x61);
    const spy = jest.mocked(cryptoVerify);
    spy.mockClear();
    for (const signature of [
      n.headers['Wechatpay-Signature'].slice(4),
      `${n.headers['Wechatpay-Signature']}AAAA`,
      'A'.repeat(16 * 1024),
    ]) {
      const headers = { ...n.headers, 'Wechatpay-Signature': signature };
      expect(rejection(() => subject.verify(headers, forged)).reason).toBe('bad-signature');
    }
    expect(spy).not.toHaveBeenCalled();
    // A signature of the right shape is checked against the body (and fails on a forged one).
    expect(rejection(() => subject.verify(n.headers, forged)).reason).toBe('bad-signature');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('accepts only the exact base64 of the signature, not what Node would also decode to it', () => {
    const n = notification();
    const signature = n.headers['Wechatpay-Signature'];
    expect(signature).toMatch(/[+/]/);
    expect(signature).toMatch(/==$/);
    for (const lookalike of [
      signature.replace(/\+/g, '-').replace(/\//g, '_'), // base64url
      `${signature.slice(0, -2)}=!`, // junk after the padding
      `${signature.slice(0, -2)}\n=`, // a line break inside
    ]) {
      expect(Buffer.from(lookalike, 'base64')).toEqual(Buffer.from(signature, 'base64'));
      const headers = { ...n.headers, 'Wechatpay-Signature': lookalike };
      expect(rejection(() => subject.verify(headers, Buffer.from(n.body))).reason).toBe(
        'bad-signature',
      );
    }
  });

  it('keeps the body and keys out of error messages', () => {
    const n = notification({
      signer: { privateKey: TEST_ATTACKER_KEY.privateKeyPem, serial: TEST_WECHATPAY_PUBLIC_KEY.id },
    });
    const error = rejection(() => subject.verify(n.headers, Buffer.from(n.body)));
    expect(error.message).not.toContain(n.headers['Wechatpay-Signature']);
    expect(error.message).not.toContain(JSON.parse(n.body).resource.ciphertext);
    expect(error.message).not.toContain('BEGIN');
  });
});
