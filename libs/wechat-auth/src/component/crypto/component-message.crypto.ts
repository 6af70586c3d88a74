import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import {
  WechatComponentMessageError,
  type WechatComponentMessageFailure,
} from '../../errors/wechat-component-message.error';
import {
  printableAppId,
  toWechatComponentEvent,
  type WechatComponentEvent,
} from './component-events';
import { FlatXmlError, parseFlatXml } from './flat-xml';

/** Largest body read; real pushes are well under 2 KiB. */
export const COMPONENT_MESSAGE_MAX_BYTES = 64 * 1024;

/**
 * Default of `maxClockSkewSeconds`: 15 minutes either way.
 *
 * WeChat retries a push it got no answer to within about 15 s (three tries, 5 s timeout each),
 * and SDKs (WxJava, easywechat) check no timestamp at all, so the window is mainly for clock
 * skew and for pushes WeChat delays on its side. A push refused here is costly: an `authorized`
 * push carries a single-use authorisation code. A replay inside the window gains an attacker
 * nothing (it needs a push captured in full; the ticket store never lets an older ticket replace
 * a newer one, codes are single-use, revocations are ordered by `CreateTime`), so the window
 * is generous rather than tight.
 */
const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 15 * 60;

const APP_ID = /^wx[0-9a-zA-Z]{16}$/;
const TOKEN = /^[A-Za-z0-9]{3,32}$/;
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
/** Printable ASCII: WeChat's nonces are digits; the signature sorts the values as bytes. */
const NONCE = /^[\x21-\x7e]{1,128}$/;
const SIGNATURE_LENGTH = 40;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** WXBizMsgCrypt pads to 32-byte blocks (PKCS#7 with K = 32). */
const PAD_BLOCK = 32;
/** random(16) + msg_len(4). */
const HEADER_BYTES = 20;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Settings of {@link WechatComponentMessageCrypto}: the values of the platform's console
 * (开发资料 → 授权事件接收配置).
 *
 * @publicApi
 */
export interface WechatComponentMessageCryptoOptions {
  /** The third-party platform's appid: messages for any other appid are refused. */
  componentAppId: string;
  /** The message token (3-32 letters or digits). */
  token: string;
  /** The current EncodingAESKey (43 letters or digits). */
  encodingAesKey: string;
  /** The EncodingAESKey before the last change: tried when the current one fails. */
  previousEncodingAesKey?: string;
  /**
   * How far the signed `timestamp` may be from this server's clock, either way.
   * @default 900
   */
  maxClockSkewSeconds?: number;
  /**
   * The clock, in milliseconds since the epoch (for tests).
   * @default Date.now
   */
  now?: () => number;
}

/**
 * The query of a push: WeChat sends `timestamp`, `nonce`, `encrypt_type=aes`, `msg_signature`
 * and `signature`. Values that are not single strings (a repeated key) are refused.
 *
 * @publicApi
 */
export interface WechatComponentPushQuery {
  readonly msg_signature?: unknown;
  readonly timestamp?: unknown;
  readonly nonce?: unknown;
  readonly encrypt_type?: unknown;
  /** Not checked: `msg_signature` covers the same values plus the ciphertext. */
  readonly signature?: unknown;
}

/**
 * A push whose signature, timestamp, encryption and appid were checked.
 *
 * @publicApi
 */
export interface DecryptedWechatComponentMessage {
  /** The decrypted XML, e.g. `<xml><AppId>...</AppId><InfoType>...</InfoType>...</xml>`. */
  readonly xml: string;
  /** The appid the message was encrypted for: the configured `componentAppId`. */
  readonly appId: string;
  /** The elements of `xml` by name (see `WechatComponentOtherEvent.fields`). */
  readonly fields: Readonly<Record<string, string>>;
  /** The signed `timestamp`, in seconds since the epoch. */
  readonly timestamp: number;
  /** Whether `previousEncodingAesKey` decrypted it (the current key failed). */
  readonly usedPreviousKey: boolean;
}

/**
 * Options of {@link WechatComponentMessageCrypto.encrypt}; random ones by default.
 *
 * @publicApi
 */
export interface WechatComponentEncryptOptions {
  /** The 16 random bytes before the message. */
  random?: Buffer;
  /** @default now, in seconds */
  timestamp?: string;
  /** @default 10 random digits */
  nonce?: string;
}

/**
 * A message encrypted as WeChat does.
 *
 * @publicApi
 */
export interface WechatComponentEncryptedMessage {
  /** The `Encrypt` value (Base64). */
  readonly encrypt: string;
  /** `msg_signature` of `encrypt` with the timestamp and nonce. */
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
  /** The body WeChat posts: `<xml><AppId>…</AppId><Encrypt>…</Encrypt></xml>`. */
  readonly envelope: string;
}

/**
 * The message crypto of a third-party platform's authorisation-event URL (WeChat's
 * WXBizMsgCrypt scheme, 安全模式): checks `msg_signature` (SHA-1 of the sorted token,
 * timestamp, nonce and `Encrypt`, compared in constant time) and the timestamp's age, decrypts
 * AES-256-CBC (key = EncodingAESKey + "=" decoded, IV = its first 16 bytes, PKCS#7 padding to 32
 * bytes), checks the appid at the end of the message, then reads the XML strictly (flat
 * elements only; no DOCTYPE, entities, comments or processing instructions).
 *
 * Everything in a push is treated as hostile: the body is limited to 64 KiB, each check refuses
 * with a {@link WechatComponentMessageError} whose `reason` says which, and no message quotes
 * a secret or the encrypted content. The token and keys are kept in private fields (not shown
 * by `console.log`).
 *
 * @publicApi
 */
export class WechatComponentMessageCrypto {
  readonly componentAppId: string;
  readonly #token: string;
  readonly #keys: readonly Buffer[];
  readonly #appIdBytes: Buffer;
  readonly #maxSkewSeconds: number;
  readonly #now: () => number;

  /** @throws WechatAuthConfigError naming each bad option (never its value) */
  constructor(options: WechatComponentMessageCryptoOptions) {
    const problems: string[] = [];
    const o = (options ?? {}) as Partial<
      Record<keyof WechatComponentMessageCryptoOptions, unknown>
    >;
    if (typeof o.componentAppId !== 'string' || !APP_ID.test(o.componentAppId)) {
      problems.push('componentAppId: must look like wx0123456789abcdef');
    }
    if (typeof o.token !== 'string' || !TOKEN.test(o.token)) {
      problems.push('token: must be 3-32 letters or digits');
    }
    const key = decodeAesKey(o.encodingAesKey);
    if (!key) problems.push('encodingAesKey: must be 43 letters or digits');
    const previousKey =
      o.previousEncodingAesKey === undefined ? undefined : decodeAesKey(o.previousEncodingAesKey);
    if (previousKey === null) problems.push('previousEncodingAesKey: must be 43 letters or digits');
    const skew = o.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
    if (typeof skew !== 'number' || !Number.isFinite(skew) || skew <= 0) {
      problems.push('maxClockSkewSeconds: must be a positive number of seconds');
    }
    if (o.now !== undefined && typeof o.now !== 'function') {
      problems.push('now: must be a function returning milliseconds');
    }
    if (problems.length > 0 || !key) throw new WechatAuthConfigError(problems);

    this.componentAppId = o.componentAppId as string;
    this.#token = o.token as string;
    this.#keys = previousKey ? [key, previousKey] : [key];
    this.#appIdBytes = Buffer.from(this.componentAppId, 'latin1');
    this.#maxSkewSeconds = skew as number;
    this.#now = (o.now as (() => number) | undefined) ?? Date.now;
  }

  /**
   * Checks and decrypts a push of the authorisation-event URL.
   *
   * @param query the request's query parameters
   * @param rawBody the request's body, as received
   * @throws WechatComponentMessageError with the `reason` of the first check that failed
   */
  verifyAndDecrypt(
    query: WechatComponentPushQuery,
    rawBody: Buffer,
  ): DecryptedWechatComponentMessage {
    if (!Buffer.isBuffer(rawBody)) throw refuse('malformed', 'the body is not a Buffer');
    if (rawBody.length > COMPONENT_MESSAGE_MAX_BYTES) {
      throw refuse(
        'too-large',
        `the body has ${rawBody.length} bytes (at most ${COMPONENT_MESSAGE_MAX_BYTES})`,
      );
    }
    const { signature, timestamp, nonce } = readQuery(query ?? {});

    const envelope = parseXml(decodeUtf8(rawBody, 'the body'), 1, 'the body');
    const encrypted = envelope.Encrypt;
    if (encrypted === undefined || encrypted === '') {
      throw refuse('malformed', 'the body has no Encrypt element');
    }

    const expected = this.sign(timestamp, nonce, encrypted);
    if (!timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'))) {
      throw refuse(
        'bad-signature',
        'msg_signature is not the signature of this push (wrong token, or forged)',
      );
    }

    const seconds = Number(timestamp);
    const skew = Math.round(seconds - this.#now() / 1000);
    if (Math.abs(skew) > this.#maxSkewSeconds) {
      throw refuse(
        'stale-timestamp',
        `the signed timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} this server's clock (allowed: ${this.#maxSkewSeconds} s)`,
      );
    }

    const envelopeAppId = envelope.AppId;
    if (envelopeAppId !== undefined && envelopeAppId !== this.componentAppId) {
      throw refuse(
        'appid-mismatch',
        `the push is for AppId ${printableAppId(envelopeAppId)}, not the configured componentAppId ${this.componentAppId}`,
      );
    }

    if (encrypted.length % 4 !== 0 || !BASE64.test(encrypted)) {
      throw refuse('malformed', 'Encrypt is not Base64');
    }
    const ciphertext = Buffer.from(encrypted, 'base64');
    const { xml, usedPreviousKey } = this.decrypt(ciphertext);
    const fields = parseXml(xml, 2, 'the decrypted message');
    return { xml, appId: this.componentAppId, fields, timestamp: seconds, usedPreviousKey };
  }

  /**
   * {@link verifyAndDecrypt}, then the typed event of the message.
   *
   * @throws WechatComponentMessageError (`invalid-event` when the message lacks a field its
   *   `InfoType` needs)
   */
  decryptEvent(query: WechatComponentPushQuery, rawBody: Buffer): WechatComponentEvent {
    const { fields, appId } = this.verifyAndDecrypt(query, rawBody);
    return toWechatComponentEvent(fields, appId);
  }

  /**
   * Encrypts and signs `xml` with the current key as WeChat does (for tests, sandboxes and
   * encrypted replies).
   */
  encrypt(
    xml: string,
    options: WechatComponentEncryptOptions = {},
  ): WechatComponentEncryptedMessage {
    const random = options.random ?? randomBytes(16);
    if (!Buffer.isBuffer(random) || random.length !== 16) {
      throw new RangeError('encrypt: random must be 16 bytes');
    }
    const timestamp = options.timestamp ?? String(Math.floor(this.#now() / 1000));
    const nonce = options.nonce ?? randomDigits(10);
    if (!TIMESTAMP.test(timestamp)) throw new RangeError('encrypt: timestamp must be digits');
    if (!NONCE.test(nonce))
      throw new RangeError('encrypt: nonce must be 1-128 printable ASCII characters');

    const message = Buffer.from(xml, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(message.length);
    const plain = Buffer.concat([random, length, message, this.#appIdBytes]);
    const pad = PAD_BLOCK - (plain.length % PAD_BLOCK);
    const key = this.#keys[0];
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const encrypt = Buffer.concat([
      cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
      cipher.final(),
    ]).toString('base64');
    return {
      encrypt,
      msgSignature: this.sign(timestamp, nonce, encrypt),
      timestamp,
      nonce,
      envelope: `<xml><AppId><![CDATA[${this.componentAppId}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    };
  }

  /** Hex SHA-1 of the sorted token, timestamp, nonce and Encrypt (all ASCII: sorted as bytes). */
  private sign(timestamp: string, nonce: string, encrypted: string): string {
    const parts = [this.#token, timestamp, nonce, encrypted].sort();
    return createHash('sha1').update(parts.join(''), 'latin1').digest('hex');
  }

  /** With the current key, then the previous one; the failure of the farthest-going attempt. */
  private decrypt(ciphertext: Buffer): { xml: string; usedPreviousKey: boolean } {
    if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
      throw refuse('decrypt-failed', 'Encrypt is not a whole number of AES blocks');
    }
    let failure: WechatComponentMessageError | undefined;
    for (const [index, key] of this.#keys.entries()) {
      const result = this.decryptWith(key, ciphertext);
      if (typeof result === 'string') return { xml: result, usedPreviousKey: index > 0 };
      // An appid mismatch means the key worked: it says more than a failed decryption.
      if (!failure || (failure.reason === 'decrypt-failed' && result.reason !== 'decrypt-failed')) {
        failure = result;
      }
    }
    throw failure;
  }

  private decryptWith(key: Buffer, ciphertext: Buffer): string | WechatComponentMessageError {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(
      false,
    );
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    const keys = this.#keys.length > 1 ? 'with either EncodingAESKey' : 'with the EncodingAESKey';
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) {
      return refuse('decrypt-failed', `bad padding ${keys}`);
    }
    let padBytesDiffer = 0;
    for (let i = plain.length - pad; i < plain.length; i += 1) padBytesDiffer |= plain[i] ^ pad;
    if (padBytesDiffer !== 0) return refuse('decrypt-failed', `bad padding ${keys}`);

    const body = plain.subarray(0, plain.length - pad);
    if (body.length < HEADER_BYTES) return refuse('decrypt-failed', `too short ${keys}`);
    const messageLength = body.readUInt32BE(16);
    if (messageLength > body.length - HEADER_BYTES) {
      return refuse('decrypt-failed', `bad message length ${keys}`);
    }
    const message = body.subarray(HEADER_BYTES, HEADER_BYTES + messageLength);
    const appId = body.subarray(HEADER_BYTES + messageLength);
    if (!appId.equals(this.#appIdBytes)) {
      const text = appId.toString('latin1');
      return refuse(
        'appid-mismatch',
        `the message is encrypted for ${printableAppId(text)}, not the configured componentAppId ${this.componentAppId}`,
      );
    }
    try {
      return utf8.decode(message);
    } catch {
      return refuse('malformed', 'the decrypted message is not UTF-8');
    }
  }
}

function readQuery(query: WechatComponentPushQuery): {
  signature: string;
  timestamp: string;
  nonce: string;
} {
  const { msg_signature: signature, timestamp, nonce, encrypt_type: encryptType } = query;
  for (const [name, value] of [
    ['msg_signature', signature],
    ['timestamp', timestamp],
    ['nonce', nonce],
  ] as const) {
    if (value === undefined) throw refuse('malformed', `the query has no ${name}`);
    if (typeof value !== 'string') throw refuse('malformed', `${name} is not a single value`);
  }
  if (encryptType !== undefined && encryptType !== 'aes') {
    throw refuse('malformed', "encrypt_type is not 'aes'");
  }
  if (!TIMESTAMP.test(timestamp as string))
    throw refuse('malformed', 'timestamp is not a number of seconds');
  if (!NONCE.test(nonce as string))
    throw refuse('malformed', 'nonce is not 1-128 printable ASCII characters');
  // Checked before the constant-time comparison, which needs equal lengths.
  if ((signature as string).length !== SIGNATURE_LENGTH) {
    throw refuse('bad-signature', `msg_signature is not ${SIGNATURE_LENGTH} characters`);
  }
  return {
    signature: (signature as string).toLowerCase(),
    timestamp: timestamp as string,
    nonce: nonce as string,
  };
}

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw refuse('malformed', `${what} is not UTF-8`);
  }
}

function parseXml(text: string, depth: 1 | 2, what: string): Readonly<Record<string, string>> {
  try {
    return parseFlatXml(text, depth);
  } catch (error) {
    if (error instanceof FlatXmlError) throw refuse('malformed', `${what}: ${error.message}`);
    throw error;
  }
}

/** The 32-byte AES key, `null` when the value is not 43 letters or digits. */
function decodeAesKey(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !ENCODING_AES_KEY.test(value)) return null;
  const key = Buffer.from(`${value}=`, 'base64');
  return key.length === 32 ? key : null;
}

function randomDigits(count: number): string {
  let digits = '';
  for (const byte of randomBytes(count)) digits += String(byte % 10);
  return digits;
}

function refuse(
  reason: WechatComponentMessageFailure,
  detail: string,
): WechatComponentMessageError {
  return new WechatComponentMessageError(reason, detail);
}
