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
 * A store that also implements the optional lock members (`acquireLock`, `releaseLock`,
 * `lockWaitMs`) gets a distributed single flight: on a miss one instance fetches the token while
 * the others wait for it in the store, as long as the lock is held.
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
  /**
   * Optional. Takes the fetch lock of the token `key` (kept apart from the token itself) for
   * `ttlMs`, unless someone else holds it.
   * @returns an owner token to pass to `releaseLock`, or `null` when the lock is taken
   */
  acquireLock?(key: string, ttlMs: number): Promise<string | null>;
  /** Optional. Releases the lock of `key`, only while `owner` still holds it. */
  releaseLock?(key: string, owner: string): Promise<void>;
  /**
   * Optional, used with `acquireLock`: added to the token fetch's own upper bound
   * (`retry.maxAttempts` x `timeoutMs` + the backoff ceilings) to give the lock's lifetime, as
   * room for the store's reads and writes around the fetch. The lock thus outlives the slowest
   * fetch, so no second fetch starts beside a live holder; if the holder dies, waiters take over
   * once the lock expires.
   * @default 5000
   */
  readonly lockWaitMs?: number;
}
