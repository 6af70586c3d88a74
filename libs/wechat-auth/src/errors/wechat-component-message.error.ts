import { componentMessageRefusedMessage } from '../component/crypto/component-message.messages';
import { WechatError } from './wechat.error';

/**
 * Why a push to the authorisation-event URL was refused:
 * - `too-large`: the body is over 64 KiB;
 * - `malformed`: a query parameter or an envelope field is missing, repeated or badly formed;
 *   the body is not UTF-8, not the flat `<xml>` shape, or has a DOCTYPE, an entity, a comment
 *   or a processing instruction; `encrypt_type` is not `aes`;
 * - `bad-signature`: `msg_signature` is not the SHA-1 of the token, timestamp, nonce and
 *   `Encrypt` (a forgery, or another token);
 * - `stale-timestamp`: the signed timestamp is too far from this server's clock (a replay, or a
 *   clock out of sync);
 * - `decrypt-failed`: neither EncodingAESKey decrypts `Encrypt` to a well-formed message;
 * - `appid-mismatch`: the message is for another platform's appid;
 * - `invalid-event`: the decrypted message lacks a field its `InfoType` needs, or has a bad one.
 *
 * @publicApi
 */
export type WechatComponentMessageFailure =
  | 'too-large'
  | 'malformed'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'decrypt-failed'
  | 'appid-mismatch'
  | 'invalid-event';

/**
 * A push to the third-party platform's authorisation-event URL was refused: forged, replayed,
 * malformed or not decryptable. Answer it with a `4xx`. Never `retryable`: the same bytes are
 * refused again. The message says what was wrong, never a secret or the encrypted content.
 *
 * @publicApi
 */
export class WechatComponentMessageError extends WechatError {
  constructor(
    readonly reason: WechatComponentMessageFailure,
    detail: string,
  ) {
    super(componentMessageRefusedMessage(reason, detail));
  }
}
