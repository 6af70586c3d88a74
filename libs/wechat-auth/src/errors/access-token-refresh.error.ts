import { tokenFetchMessage } from '../wechat-auth.messages';
import { WechatApiError } from './wechat-api.error';

/** Why a token fetch failed. @publicApi */
export type AccessTokenRefreshFailure =
  | 'invalid-appid'
  | 'invalid-secret'
  | 'ip-not-whitelisted'
  | 'quota-exceeded'
  | 'risky-ip'
  | 'other';

const REASONS: Record<number, AccessTokenRefreshFailure> = {
  40013: 'invalid-appid',
  40125: 'invalid-secret',
  // On the token endpoints 40001 means the AppSecret is wrong.
  40001: 'invalid-secret',
  40164: 'ip-not-whitelisted',
  61004: 'ip-not-whitelisted',
  45009: 'quota-exceeded',
  89503: 'risky-ip',
};

/**
 * WeChat refused to issue an access token. `reason` tells the configuration problem; for
 * `ip-not-whitelisted`, `ip` is the address WeChat saw.
 *
 * @publicApi
 */
export class AccessTokenRefreshError extends WechatApiError {
  readonly reason: AccessTokenRefreshFailure;
  readonly ip?: string;

  constructor(
    readonly appId: string,
    errcode: number,
    errmsg: string,
    path: string,
  ) {
    const reason = REASONS[errcode] ?? 'other';
    const ip =
      reason === 'ip-not-whitelisted' ? /invalid ip ([^\s,]+)/.exec(errmsg)?.[1] : undefined;
    // The token may come back (a fixed secret, a whitelisted IP, the next day's quota).
    super(errcode, errmsg, path, tokenFetchMessage(appId, reason, errcode, errmsg, ip), true);
    this.reason = reason;
    this.ip = ip;
  }
}
