/**
 * The part of an ioredis client (`Redis` or `Cluster`, ioredis 5) that `RedisTokenStore` uses.
 * Declared here so the library never loads ioredis itself: only an app that builds a client needs
 * the package.
 *
 * @publicApi
 */
export interface RedisTokenStoreClient {
  /** Connection state; `'ready'` when commands can be sent. */
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of `RedisTokenStore`. @publicApi */
export interface RedisTokenStoreOptions {
  /**
   * Prepended to every key; the token of an app lives at `<prefix><mode>:<appId>`, its fetch lock
   * at `<prefix><mode>:<appId>:lock`.
   * @default 'wechat-auth:token:'
   */
  keyPrefix?: string;
  /**
   * Slack added to the token fetch's own upper bound (`retry.maxAttempts` x `timeoutMs` + the
   * backoff ceilings) to give the fetch lock's lifetime (5 s + 21.4 s with the module defaults).
   * Instances without the lock wait for the holder's token while the lock is held (or until their
   * call's `deadline`); if the holder dies, one of them takes over once the lock expires.
   * @default 5000
   */
  lockWaitMs?: number;
  /**
   * Longest wait for one Redis command; past it the store treats Redis as unavailable for that
   * call (the caller then works from its in-process cache).
   * @default 1000
   */
  commandTimeoutMs?: number;
}
