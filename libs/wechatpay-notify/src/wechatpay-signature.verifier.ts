import { Inject, Injectable } from '@nestjs/common';
import { verify, type KeyObject } from 'node:crypto';
import { WechatPayBadSignatureError } from './errors/bad-signature.error';
import { WechatPayMissingHeaderError } from './errors/missing-header.error';
import { WechatPaySignatureProbeError } from './errors/signature-probe.error';
import { WechatPayStaleTimestampError } from './errors/stale-timestamp.error';
import { WechatPayUnknownSerialError } from './errors/unknown-serial.error';
import { WechatPayUnsupportedAlgorithmError } from './errors/unsupported-algorithm.error';
import type { WechatPayNotificationHeaders, WechatPayNotifySettings } from './interfaces';
import { readWechatPayHeader, requireWechatPayHeader } from './wechatpay-headers.util';
import {
  WECHATPAY_HEADERS,
  WECHATPAY_NOTIFY_SETTINGS,
  WECHATPAY_SIGNATURE_PROBE_PREFIX,
  WECHATPAY_SIGNATURE_TYPE_RSA,
} from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

const UNIX_SECONDS = /^\d{1,12}$/;
const NEWLINE = 0x0a;

/**
 * Verifies `Wechatpay-Signature`: SHA256 with RSA (PKCS#1 v1.5) over the exact bytes
 * `timestamp\nnonce\nbody\n`, with the key that `Wechatpay-Serial` names.
 */
@Injectable()
export class WechatPaySignatureVerifier {
  constructor(
    @Inject(WECHATPAY_NOTIFY_SETTINGS) private readonly settings: WechatPayNotifySettings,
  ) {}

  /**
   * @param rawBody the body exactly as received (never re-serialised JSON).
   * @throws WechatPayNotifyError with reason `missing-header`, `unsupported-algorithm`,
   * `stale-timestamp`, `signature-probe`, `unknown-serial` or `bad-signature`.
   */
  verify(headers: WechatPayNotificationHeaders, rawBody: Buffer): void {
    const timestamp = requireWechatPayHeader(headers, WECHATPAY_HEADERS.timestamp);
    const nonce = requireWechatPayHeader(headers, WECHATPAY_HEADERS.nonce);
    const signature = requireWechatPayHeader(headers, WECHATPAY_HEADERS.signature);
    const serial = requireWechatPayHeader(headers, WECHATPAY_HEADERS.serial);
    const signatureType = readWechatPayHeader(headers, WECHATPAY_HEADERS.signatureType);

    if (signatureType !== undefined && signatureType !== WECHATPAY_SIGNATURE_TYPE_RSA) {
      throw new WechatPayUnsupportedAlgorithmError(
        WECHATPAY_NOTIFY_MESSAGES.unsupportedSignatureType,
      );
    }
    if (!UNIX_SECONDS.test(timestamp)) {
      throw new WechatPayMissingHeaderError(WECHATPAY_NOTIFY_MESSAGES.malformedTimestamp);
    }
    const skewSeconds = Math.floor(this.settings.now() / 1000) - Number(timestamp);
    if (Math.abs(skewSeconds) > this.settings.maxClockSkewSeconds) {
      throw new WechatPayStaleTimestampError(WECHATPAY_NOTIFY_MESSAGES.staleTimestamp, skewSeconds);
    }
    if (signature.startsWith(WECHATPAY_SIGNATURE_PROBE_PREFIX)) {
      throw new WechatPaySignatureProbeError(WECHATPAY_NOTIFY_MESSAGES.signatureProbe);
    }
    const key = this.settings.keyRegistry.find(serial);
    if (key === undefined) {
      throw new WechatPayUnknownSerialError(
        WECHATPAY_NOTIFY_MESSAGES.unknownSerial,
        serial.slice(0, 64),
      );
    }

    // Cheap before costly: a signature that cannot be this key's is refused before the body is
    // copied and hashed (a forged 64 KiB body costs nothing then).
    const signatureBytes = decodeSignature(signature, key);
    if (signatureBytes === undefined) {
      throw new WechatPayBadSignatureError(WECHATPAY_NOTIFY_MESSAGES.badSignature);
    }

    const prefix = `${timestamp}\n${nonce}\n`;
    const prefixLength = Buffer.byteLength(prefix);
    const message = Buffer.allocUnsafe(prefixLength + rawBody.length + 1);
    message.write(prefix, 0);
    rawBody.copy(message, prefixLength);
    message[message.length - 1] = NEWLINE;

    let valid: boolean;
    try {
      valid = verify('sha256', message, key, signatureBytes);
    } catch {
      valid = false;
    }
    if (!valid) throw new WechatPayBadSignatureError(WECHATPAY_NOTIFY_MESSAGES.badSignature);
  }
}

/**
 * The signature's bytes when `text` is the exact base64 of a signature as long as `key`'s
 * modulus, else `undefined`. Node's base64 decoder stops at padding, skips junk and takes
 * base64url too, so `<signature>, junk` (a repeated header joined by Node) would still verify:
 * only the exact encoding of the bytes counts, which the round trip checks (cheaper than a
 * regular expression over the text first). The length is checked first, so a huge header costs
 * nothing.
 */
function decodeSignature(text: string, key: KeyObject): Buffer | undefined {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined || text.length !== 4 * Math.ceil(modulusBits / 8 / 3)) {
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
