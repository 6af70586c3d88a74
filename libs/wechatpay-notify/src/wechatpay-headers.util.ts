import { WechatPayMissingHeaderError } from './errors/missing-header.error';
import type { WechatPayNotificationHeaders } from './interfaces';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

const CANONICAL_NAMES: Record<string, string> = {
  'wechatpay-timestamp': 'Wechatpay-Timestamp',
  'wechatpay-nonce': 'Wechatpay-Nonce',
  'wechatpay-signature': 'Wechatpay-Signature',
  'wechatpay-serial': 'Wechatpay-Serial',
  'wechatpay-signature-type': 'Wechatpay-Signature-Type',
};

function displayName(lowerName: string): string {
  return CANONICAL_NAMES[lowerName] ?? lowerName;
}

/**
 * Reads a header by its lower-case name, matching names case-insensitively.
 * Returns `undefined` when absent or empty.
 * @throws WechatPayMissingHeaderError when the header is repeated.
 */
export function readWechatPayHeader(
  headers: WechatPayNotificationHeaders,
  lowerName: string,
): string | undefined {
  let value = headers[lowerName];
  if (value === undefined) {
    // Node lower-cases names; other callers (tests, other adapters) may not.
    for (const name in headers) {
      if (name.length === lowerName.length && name.toLowerCase() === lowerName) {
        value = headers[name];
        break;
      }
    }
  }
  if (Array.isArray(value)) {
    if (value.length > 1) {
      throw new WechatPayMissingHeaderError(
        WECHATPAY_NOTIFY_MESSAGES.repeatedHeader(displayName(lowerName)),
      );
    }
    value = value[0];
  }
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads a required header.
 * @throws WechatPayMissingHeaderError when absent, empty or repeated.
 */
export function requireWechatPayHeader(
  headers: WechatPayNotificationHeaders,
  lowerName: string,
): string {
  const value = readWechatPayHeader(headers, lowerName);
  if (value === undefined) {
    throw new WechatPayMissingHeaderError(
      WECHATPAY_NOTIFY_MESSAGES.missingHeader(displayName(lowerName)),
    );
  }
  return value;
}
