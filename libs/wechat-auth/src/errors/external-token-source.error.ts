import { redactSecrets } from '../client/redact';
import { externalTokenMessage } from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

/** Longest part of the source's own message that is kept (it is the app's text, not ours). */
const MAX_DETAIL_LENGTH = 300;

/**
 * The `externalToken` source of an app threw, rejected, or returned no token. The message keeps
 * the source's own message (with `access_token=`/`secret=` values masked); `cause` is what it
 * threw, unchanged.
 *
 * @publicApi
 */
export class ExternalTokenSourceError extends WechatError {
  /**
   * @param cause what the source threw (none when it returned no token)
   * @param detail the message's ending; by default the cause's own message
   */
  constructor(
    readonly appId: string,
    cause?: unknown,
    detail: string = describeCause(cause),
  ) {
    super(externalTokenMessage(appId, detail), {
      retryable: true,
      ...(cause !== undefined && { cause }),
    });
  }
}

function describeCause(cause: unknown): string {
  const text =
    cause instanceof Error
      ? cause.message || cause.name
      : typeof cause === 'string'
        ? cause
        : `it rejected with ${cause === null ? 'null' : typeof cause}`;
  const redacted = redactSecrets(text);
  return redacted.length > MAX_DETAIL_LENGTH
    ? `${redacted.slice(0, MAX_DETAIL_LENGTH)}...`
    : redacted;
}
