/**
 * Input of {@link encryptComponentMessage}.
 *
 * @publicApi
 */
export interface ComponentMessageEncryptInput {
  /** The EncodingAESKey: 43 characters from `[a-zA-Z0-9]`. */
  encodingAesKey: string;
  /** The third-party platform's AppID, appended to the plaintext (also for authoriser messages). */
  componentAppId: string;
  /** The plaintext message (UTF-8), usually the event XML. */
  message: string;
  /** The 16 random leading bytes (a 16-character ASCII string or 16 bytes). Default: random. */
  random?: string | Uint8Array;
}

/**
 * Input of {@link decryptComponentMessage}.
 *
 * @publicApi
 */
export interface ComponentMessageDecryptInput {
  encodingAesKey: string;
  /** The Base64 `Encrypt` value. */
  encrypt: string;
  /** When given, the AppID at the end of the plaintext must be this one. */
  componentAppId?: string;
}

/**
 * A decrypted message.
 *
 * @publicApi
 */
export interface ComponentMessagePlaintext {
  message: string;
  /** The AppID found at the end of the plaintext. */
  componentAppId: string;
}

/**
 * Input of {@link buildComponentPush}: the platform's push credentials (a
 * `SandboxComponentConfig` can be spread in) and the plaintext XML.
 *
 * @publicApi
 */
export interface ComponentPushInput {
  componentAppId: string;
  token: string;
  encodingAesKey: string;
  /** The decrypted message, e.g. from {@link buildComponentEventXml}. */
  xml: string;
  /** Unix seconds. Default: now (`Date.now()`). */
  timestamp?: number | string;
  /** Default: random digits. */
  nonce?: string;
  /** The 16 random leading plaintext bytes. Default: random. */
  random?: string | Uint8Array;
}

/**
 * The query parameters WeChat puts on a push to the authorisation-event URL.
 *
 * @publicApi
 */
// A type alias, not an interface, so that it is assignable to `Record<string, string>`
// (e.g. `new URLSearchParams(push.query)`).
export type ComponentPushQuery = {
  /** SHA-1 of the sorted `[token, timestamp, nonce]` (do not verify pushes with it). */
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt_type: 'aes';
  /** SHA-1 of the sorted `[token, timestamp, nonce, Encrypt]`. */
  msg_signature: string;
};

/**
 * A push to the authorisation-event URL: POST `body` (Content-Type `text/xml`) to the URL with
 * `query` appended.
 *
 * @publicApi
 */
export interface ComponentPush {
  query: ComponentPushQuery;
  /** `<xml><AppId><![CDATA[...]]></AppId><Encrypt><![CDATA[...]]></Encrypt></xml>`. */
  body: string;
  /** The `Encrypt` value inside `body`. */
  encrypt: string;
}

/**
 * Input of {@link openComponentPush}: what a receiver got, and its credentials.
 *
 * @publicApi
 */
export interface ComponentPushOpenInput {
  componentAppId: string;
  token: string;
  encodingAesKey: string;
  /** The query parameters received (others are ignored). */
  query: { timestamp?: string; nonce?: string; msg_signature?: string };
  /** The raw body received. */
  body: string;
}
