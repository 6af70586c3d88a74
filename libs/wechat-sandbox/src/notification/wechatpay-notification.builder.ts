import { createCipheriv, createPrivateKey, randomBytes, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type {
  WechatPayNotificationEnvelopeFixture,
  WechatPayNotificationFixture,
  WechatPayNotificationInput,
  WechatPayTransactionFixture,
} from './interfaces';
import { TEST_MERCHANT } from './test-merchant-keys';

const TRANSACTION_FIELDS = [
  'appid',
  'mchid',
  'sp_appid',
  'sp_mchid',
  'sub_appid',
  'sub_mchid',
  'out_trade_no',
  'transaction_id',
  'trade_type',
  'trade_state',
  'trade_state_desc',
  'bank_type',
  'attach',
  'success_time',
  'payer',
] as const;

const CHINA_STANDARD_TIME_OFFSET_MS = 8 * 60 * 60 * 1000;

// Parsing a PEM costs more than signing; the benchmark signs thousands with the same few keys.
const privateKeyCache = new Map<string, KeyObject>();

function privateKeyOf(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  let parsed = privateKeyCache.get(key);
  if (parsed === undefined) {
    parsed = createPrivateKey(key);
    privateKeyCache.set(key, parsed);
  }
  return parsed;
}

/** Formats epoch milliseconds as RFC 3339 in China Standard Time, e.g. `2024-05-20T13:29:35+08:00`. */
export function toWechatPayTime(epochMs: number): string {
  return `${new Date(epochMs + CHINA_STANDARD_TIME_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

function randomDigits(count: number): string {
  const bytes = randomBytes(count);
  let digits = '';
  for (const byte of bytes) digits += String(byte % 10);
  return digits;
}

/** Copies `patch` over `base`; a key whose value is `undefined` is removed. */
function merge<T extends object>(base: T, patch: Record<string, unknown> | undefined): T {
  if (patch === undefined) return base;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged as T;
}

function buildTransaction(
  input: WechatPayNotificationInput,
  successTime: string,
): WechatPayTransactionFixture {
  const transaction: WechatPayTransactionFixture = {
    appid: TEST_MERCHANT.appId,
    mchid: TEST_MERCHANT.mchId,
    out_trade_no: `TEST${randomDigits(20)}`,
    transaction_id: `4200${randomDigits(24)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: successTime,
    payer: { openid: `o${randomBytes(20).toString('base64url').slice(0, 27)}` },
  };
  for (const field of TRANSACTION_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(input, field)) continue;
    const value = input[field];
    if (value === undefined) delete transaction[field];
    else (transaction as Record<string, unknown>)[field] = value;
  }
  transaction.amount = { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' };
  if (Object.prototype.hasOwnProperty.call(input, 'amount')) {
    if (input.amount === undefined) delete transaction.amount;
    else transaction.amount = { ...transaction.amount, ...input.amount };
  }
  return merge(transaction, input.overrides?.transaction);
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: base64(ciphertext || 16-byte tag). */
function encryptResource(
  plaintext: string,
  apiV3Key: string,
  nonce: string,
  associatedData: string,
): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce), {
    authTagLength: 16,
  });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([encrypted, cipher.getAuthTag()]).toString('base64');
}

/**
 * Builds a WeChat Pay API v3 notification signed and encrypted exactly as WeChat Pay does:
 * the transaction JSON is encrypted with AEAD_AES_256_GCM under the APIv3 key, and
 * `${timestamp}\n${nonce}\n${body}\n` is signed with SHA256-RSA (PKCS#1 v1.5).
 *
 * Meant for tests, demos and benchmarks only. PEM keys are parsed once and cached.
 */
export function buildWechatPayNotification(
  input: WechatPayNotificationInput,
): WechatPayNotificationFixture {
  const overrides = input.overrides ?? {};
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const signedAt = toWechatPayTime(timestamp * 1000);
  const nonce = input.nonce ?? randomBytes(16).toString('hex').toUpperCase();
  const resourceNonce = input.resourceNonce ?? randomBytes(6).toString('hex');
  const associatedData = input.associatedData ?? 'transaction';
  const notificationId = input.id ?? randomUUID();

  const transaction = buildTransaction(input, signedAt);
  const plaintext = overrides.plaintext ?? JSON.stringify(transaction);
  const resource = merge(
    {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: encryptResource(plaintext, input.apiV3Key, resourceNonce, associatedData),
      associated_data: associatedData,
      nonce: resourceNonce,
    },
    overrides.resource,
  );
  const envelope = merge<WechatPayNotificationEnvelopeFixture>(
    {
      id: notificationId,
      create_time: input.createTime ?? signedAt,
      resource_type: 'encrypt-resource',
      event_type: input.eventType ?? 'TRANSACTION.SUCCESS',
      summary: input.summary ?? '支付成功',
      resource,
    },
    overrides.envelope,
  );
  const body = overrides.body ?? JSON.stringify(envelope);

  const signature =
    overrides.signature ??
    sign(
      'sha256',
      Buffer.from(`${timestamp}\n${nonce}\n${overrides.signedBody ?? body}\n`, 'utf8'),
      privateKeyOf(input.signer.privateKey),
    ).toString('base64');

  let headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': input.signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
  if (overrides.headers !== undefined) {
    headers = { ...headers };
    for (const [name, value] of Object.entries(overrides.headers)) {
      const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
      if (existing !== undefined) delete headers[existing];
      if (value !== null) headers[name] = value;
    }
  }

  return { headers, body, notificationId, transaction };
}
