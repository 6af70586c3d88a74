/**
 * The part of an ioredis client (`Redis` or `Cluster`, ioredis 5) that `RedisWechatComponentStore`
 * uses. Declared here so the library never loads ioredis itself.
 *
 * @publicApi
 */
export interface RedisWechatComponentStoreClient {
  /** Connection state; `'ready'` when commands can be sent. */
  readonly status: string;
  get(key: string): Promise<string | null>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of `RedisWechatComponentStore`. @publicApi */
export interface RedisWechatComponentStoreOptions {
  /**
   * Prepended to every key: the ticket of a platform lives at `<prefix><componentAppId>:ticket`,
   * an authoriser at `<prefix><componentAppId>:authorizer:<authorizerAppId>`.
   * @default 'wechat-auth:component:'
   */
  keyPrefix?: string;
  /**
   * Longest wait for one Redis command; past it the call rejects with a
   * `WechatComponentStoreError` (a write may still have been applied: writes are idempotent).
   * @default 1000
   */
  commandTimeoutMs?: number;
}
