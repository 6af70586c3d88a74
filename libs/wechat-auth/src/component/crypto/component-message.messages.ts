/**
 * Message texts of the push crypto's errors. None of them may include a secret or a byte of the
 * request beyond what the parser checked to be harmless: never the token, an EncodingAESKey, the
 * `Encrypt` value, a signature, a ticket or an authorisation code. Element names (checked to be
 * `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters) and app ids may appear.
 */

/** The first words of every `WechatComponentMessageError` message, per reason. */
const REASON_TEXT: Record<string, string> = {
  'too-large': 'body too large',
  malformed: 'malformed',
  'bad-signature': 'msg_signature does not match',
  'stale-timestamp': 'timestamp outside the allowed window',
  'decrypt-failed': 'could not be decrypted',
  'appid-mismatch': 'addressed to another appid',
  'invalid-event': 'invalid event',
};

/** `Component push refused (<reason text>): <detail>`. */
export const componentMessageRefusedMessage = (reason: string, detail: string): string =>
  `Component push refused (${REASON_TEXT[reason] ?? reason}): ${detail}`;
