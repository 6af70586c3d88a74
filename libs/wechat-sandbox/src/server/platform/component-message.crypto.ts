import { createCipheriv, createDecipheriv, createHash, randomInt } from 'node:crypto';
import { SandboxInputError } from '../errors';
import type {
  ComponentMessageDecryptInput,
  ComponentMessageEncryptInput,
  ComponentMessagePlaintext,
} from '../interfaces';

// WeChat's message crypto for third-party platforms (WXBizMsgCrypt): AES-256-CBC with the key
// Base64_Decode(EncodingAESKey + '='), IV = its first 16 bytes, PKCS#7 padding to 32-byte blocks,
// plaintext = random(16) + uint32 BE length + message + component appid, Base64 ciphertext.

/** PKCS#7 block size of WXBizMsgCrypt (not AES's 16). */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Whether `value` is a well-formed EncodingAESKey (43 characters `[a-zA-Z0-9]`). */
export function isEncodingAesKey(value: unknown): value is string {
  return typeof value === 'string' && ENCODING_AES_KEY.test(value);
}

/** The 32-byte AES key of an EncodingAESKey; the error never echoes the key. */
function aesKeyOf(encodingAesKey: string): Buffer {
  if (!isEncodingAesKey(encodingAesKey)) {
    throw new SandboxInputError('encodingAesKey must be 43 characters from [a-zA-Z0-9]');
  }
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

function randomPrefix(random: string | Uint8Array | undefined): Buffer {
  if (random === undefined) {
    let text = '';
    for (let i = 0; i < RANDOM_BYTES; i += 1) text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return Buffer.from(text, 'ascii');
  }
  const bytes = typeof random === 'string' ? Buffer.from(random, 'utf8') : Buffer.from(random);
  if (bytes.length !== RANDOM_BYTES) {
    throw new SandboxInputError(`random must be exactly ${RANDOM_BYTES} bytes`);
  }
  return bytes;
}

/**
 * Encrypts a message as WeChat does before pushing it to a third-party platform, returning the
 * Base64 `Encrypt` value.
 *
 * @publicApi
 */
export function encryptComponentMessage(input: ComponentMessageEncryptInput): string {
  const key = aesKeyOf(input.encodingAesKey);
  const message = Buffer.from(input.message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length);
  const plain = Buffer.concat([
    randomPrefix(input.random),
    length,
    message,
    Buffer.from(input.componentAppId, 'utf8'),
  ]);
  const pad = PAD_BLOCK - (plain.length % PAD_BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

/**
 * Decrypts an `Encrypt` value (the inverse of {@link encryptComponentMessage}); throws
 * `SandboxInputError` when it does not decrypt, is malformed, or ends with another AppID than
 * `componentAppId` (when given).
 *
 * @publicApi
 */
export function decryptComponentMessage(
  input: ComponentMessageDecryptInput,
): ComponentMessagePlaintext {
  const key = aesKeyOf(input.encodingAesKey);
  const cipherText = Buffer.from(input.encrypt, 'base64');
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) {
    throw new SandboxInputError('Encrypt is not a whole number of AES blocks');
  }
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } catch {
    throw new SandboxInputError('Encrypt does not decrypt with this encodingAesKey');
  }
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > PAD_BLOCK || pad > padded.length) {
    throw new SandboxInputError('Encrypt has an invalid padding');
  }
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < RANDOM_BYTES + 4) throw new SandboxInputError('Encrypt is too short');
  const length = plain.readUInt32BE(RANDOM_BYTES);
  const start = RANDOM_BYTES + 4;
  if (start + length > plain.length) {
    throw new SandboxInputError('Encrypt has an invalid message length');
  }
  const message = plain.subarray(start, start + length).toString('utf8');
  const componentAppId = plain.subarray(start + length).toString('utf8');
  if (input.componentAppId !== undefined && componentAppId !== input.componentAppId) {
    throw new SandboxInputError('Encrypt was made for another AppID');
  }
  return { message, componentAppId };
}

/**
 * `msg_signature`: lowercase hex SHA-1 of the lexicographically sorted, concatenated
 * `[token, timestamp, nonce, encrypt]`.
 *
 * @publicApi
 */
export function componentMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): string {
  return sortedSha1([token, timestamp, nonce, encrypt]);
}

/**
 * The plain `signature` query parameter: SHA-1 of the sorted `[token, timestamp, nonce]`.
 *
 * @publicApi
 */
export function componentSignature(token: string, timestamp: string, nonce: string): string {
  return sortedSha1([token, timestamp, nonce]);
}

function sortedSha1(values: string[]): string {
  // Code-unit order, as the official samples' sort() of ASCII strings.
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}
