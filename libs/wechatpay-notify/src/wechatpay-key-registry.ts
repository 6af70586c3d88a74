import { X509Certificate, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { WechatPayPublicKeyOption } from './interfaces/wechatpay-notify-module-options.interface';

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const HEX = /^[0-9A-F]+$/;

/** Upper-cases a serial and drops leading zeros of a hex serial, so `0a1b` matches `A1B`. */
function normalizeSerial(serial: string): string {
  const upper = serial.trim().toUpperCase();
  return HEX.test(upper) ? upper.replace(/^0+(?=.)/, '') : upper;
}

/** Result of parsing configured keys: the registry plus one entry per unusable key. */
export interface WechatPayKeyRegistryParseResult {
  registry: WechatPayKeyRegistry;
  /** `field: problem` entries; never contain key material. */
  problems: string[];
}

/**
 * The WeChat Pay verification keys, parsed once into `KeyObject`s and looked up by the
 * `Wechatpay-Serial` header: a public key id (`PUB_KEY_ID_...`) or a platform certificate serial,
 * both case-insensitive.
 */
export class WechatPayKeyRegistry {
  private readonly keys = new Map<string, KeyObject>();

  private constructor() {}

  /** Parses public keys and (possibly concatenated) platform certificates. */
  static parse(
    publicKeys: readonly WechatPayPublicKeyOption[] = [],
    platformCertificates?: string,
  ): WechatPayKeyRegistryParseResult {
    const registry = new WechatPayKeyRegistry();
    const problems: string[] = [];

    publicKeys.forEach((option, index) => {
      const field = `publicKeys[${index}]`;
      let key: KeyObject;
      try {
        key = createPublicKey(option.pem);
      } catch {
        problems.push(`${field}.pem: is not a PEM public key`);
        return;
      }
      if (key.asymmetricKeyType !== 'rsa') {
        problems.push(`${field}.pem: is not an RSA public key`);
      } else if (!registry.add(option.id, key)) {
        problems.push(`${field}.id: is configured more than once`);
      }
    });

    if (platformCertificates !== undefined) {
      const blocks = platformCertificates.match(CERTIFICATE_PEM) ?? [];
      if (blocks.length === 0) problems.push('platformCertificates: contains no PEM certificate');
      blocks.forEach((pem, index) => {
        const field = `platformCertificates (certificate #${index + 1})`;
        let certificate: X509Certificate;
        try {
          certificate = new X509Certificate(pem);
        } catch {
          problems.push(`${field}: is not a valid X.509 certificate`);
          return;
        }
        if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
          problems.push(`${field}: does not hold an RSA public key`);
        } else if (!registry.add(certificate.serialNumber, certificate.publicKey)) {
          problems.push(`${field}: serial number is configured more than once`);
        }
      });
    }

    return { registry, problems };
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.keys.size;
  }

  /** The normalised (upper-case) serials and key ids, e.g. for a start-up log line. */
  get serials(): string[] {
    return [...this.keys.keys()];
  }

  /** The key announced by a `Wechatpay-Serial` value, or `undefined` when none matches. */
  find(serial: string): KeyObject | undefined {
    return this.keys.get(serial) ?? this.keys.get(normalizeSerial(serial));
  }

  private add(serial: string, key: KeyObject): boolean {
    const normalized = normalizeSerial(serial);
    if (this.keys.has(normalized)) return false;
    this.keys.set(normalized, key);
    return true;
  }
}
