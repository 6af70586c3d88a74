/** A cached access token. @publicApi */
export interface StoredAccessToken {
  accessToken: string;
  /** Epoch ms at which WeChat stops accepting the token. */
  expiresAt: number;
  /** Epoch ms after which the token should be replaced (ahead of `expiresAt`). */
  refreshAt?: number;
}

/**
 * Storage of access tokens, keyed by app and token mode. The in-process default suits one
 * instance; a shared store (Redis) lets several instances use one token.
 *
 * @publicApi
 */
export interface AccessTokenStore {
  get(key: string): Promise<StoredAccessToken | undefined>;
  /** Stores `token` for `ttlMs` (always > 0). */
  set(key: string, token: StoredAccessToken, ttlMs: number): Promise<void>;
  /**
   * Deletes the entry only while it still holds `accessToken`, so a caller never drops a token
   * that someone else has already replaced. Returns whether it deleted.
   */
  deleteIfMatches(key: string, accessToken: string): Promise<boolean>;
}
