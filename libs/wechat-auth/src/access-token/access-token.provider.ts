import type { WechatCallOptions } from '../interfaces/paid-union-id-query.interface';

/**
 * Supplies access tokens. Abstract class, so it is both the type and the injection token:
 * inject `AccessTokenProvider`, swap it with the `accessTokenProvider` option or
 * `overrideProvider(AccessTokenProvider)`.
 *
 * @publicApi
 */
export abstract class AccessTokenProvider {
  /**
   * A valid access token of `appId` (default: the first configured app).
   * @param options `deadline` (epoch ms): stop waiting for a token then. A fetch shared with
   * other callers goes on for them; it is abandoned once none of them waits any more.
   * @throws AccessTokenRefreshError when WeChat refuses to issue one
   * @throws ExternalTokenSourceError when the `externalToken` source fails
   * @throws WechatDeadlineExceededError when the deadline passes first
   */
  abstract getAccessToken(appId?: string, options?: WechatCallOptions): Promise<string>;

  /**
   * Called after WeChat rejected `accessToken` (40001/40014/42001): forget it, but only if it is
   * still the current one, so a token someone else already replaced is not dropped.
   */
  abstract invalidate(accessToken: string, appId?: string): Promise<void>;

  /**
   * Replaces the token of `appId` now, although it may still be valid (e.g. after it leaked), and
   * returns the new one.
   *
   * The built-in provider fetches a new token; in `stable` mode it sends `force_refresh: true`,
   * which invalidates the current token everywhere and is limited to 20 calls a day. This
   * default, for custom providers, drops the current token with `invalidate` and asks
   * `getAccessToken` for another one (which may fetch twice when no token was cached); override
   * it when the token source can force a new token itself.
   */
  async forceRefresh(appId?: string): Promise<string> {
    await this.invalidate(await this.getAccessToken(appId), appId);
    return this.getAccessToken(appId);
  }
}
