import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import type {
  AccessTokenStore,
  StoredAccessToken,
} from '../../interfaces/access-token-store.interface';
import { RedisCommandRunner } from './redis-command.runner';
import type {
  RedisTokenStoreClient,
  RedisTokenStoreOptions,
} from './redis-token-store-options.interface';
import { DELETE_IF_TOKEN_MATCHES, RELEASE_LOCK_IF_OWNER } from './redis-token.scripts';

const DEFAULT_KEY_PREFIX = 'wechat-auth:token:';
const DEFAULT_LOCK_WAIT_MS = 5000;
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
/** Owners of locks granted while Redis is unavailable start with this; they guard nothing. */
const LOCAL_OWNER = 'local:';

/**
 * An `AccessTokenStore` in Redis, shared by every instance that uses the same Redis and
 * `keyPrefix`: one instance fetches a token (fetch lock with `SET NX PX`, sized to outlive the
 * fetch, released only by its owner), the others read it. Compare-and-delete and lock release
 * run as Lua scripts.
 *
 * Pass a ready ioredis 5 client (the app owns it and closes it). Give it an `'error'` listener and
 * fail-fast settings, e.g. `new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })`.
 *
 * When Redis fails or does not answer within `commandTimeoutMs`, the store answers as if empty
 * (reads miss, writes are skipped, the lock is granted locally): each instance then fetches and
 * keeps its own token, once per token lifetime. One warning is logged per outage.
 *
 * @publicApi
 */
export class RedisTokenStore implements AccessTokenStore {
  readonly lockWaitMs: number;
  private readonly keyPrefix: string;
  private readonly redis: RedisCommandRunner;
  private readonly logger = new Logger(RedisTokenStore.name);

  /** @throws WechatAuthConfigError on invalid options */
  constructor(
    private readonly client: RedisTokenStoreClient,
    options: RedisTokenStoreOptions = {},
  ) {
    const {
      keyPrefix = DEFAULT_KEY_PREFIX,
      lockWaitMs = DEFAULT_LOCK_WAIT_MS,
      commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
    } = options;
    const problems = [
      ...(typeof keyPrefix === 'string' ? [] : ['keyPrefix must be a string']),
      ...positiveIntegerProblem('lockWaitMs', lockWaitMs),
      ...positiveIntegerProblem('commandTimeoutMs', commandTimeoutMs),
    ];
    if (problems.length > 0) {
      throw new WechatAuthConfigError(
        problems,
        `Invalid RedisTokenStore options: ${problems.join('; ')}`,
      );
    }
    this.keyPrefix = keyPrefix;
    this.lockWaitMs = lockWaitMs;
    this.redis = new RedisCommandRunner(client, commandTimeoutMs, this.logger, {
      unavailable: (reason) =>
        `Redis is unavailable (${reason}): access tokens come from each instance's own cache, ` +
        'fetched at most once per token lifetime, until Redis answers again',
      available: 'Redis answers again: access tokens are shared again',
    });
  }

  async get(key: string): Promise<StoredAccessToken | undefined> {
    const value = await this.redis.runOr(() => this.client.get(this.tokenKey(key)), null);
    return value === null ? undefined : parseToken(value);
  }

  /** Stores the token for `ttlMs`, but never past its `refreshAt` (or `expiresAt`), and >= 1 ms. */
  async set(key: string, token: StoredAccessToken, ttlMs: number): Promise<void> {
    const value: StoredAccessToken = {
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
      ...(token.refreshAt === undefined ? {} : { refreshAt: token.refreshAt }),
    };
    const ttl = clampTtl(ttlMs, (token.refreshAt ?? token.expiresAt) - Date.now());
    await this.redis.runOr(
      () => this.client.set(this.tokenKey(key), JSON.stringify(value), 'PX', ttl),
      undefined,
    );
  }

  async deleteIfMatches(key: string, accessToken: string): Promise<boolean> {
    const deleted = await this.redis.runOr(
      () => this.client.eval(DELETE_IF_TOKEN_MATCHES, 1, this.tokenKey(key), accessToken),
      0,
    );
    return deleted === 1;
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | null> {
    const owner = randomUUID();
    const local = `${LOCAL_OWNER}${owner}`;
    const answer = await this.redis.runOr(
      () => this.client.set(this.lockKey(key), owner, 'PX', clampTtl(ttlMs, ttlMs), 'NX'),
      local,
    );
    if (answer === local) {
      return local;
    }
    return answer === 'OK' ? owner : null;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    if (owner.startsWith(LOCAL_OWNER)) {
      return;
    }
    await this.redis.runOr(
      () => this.client.eval(RELEASE_LOCK_IF_OWNER, 1, this.lockKey(key), owner),
      0,
    );
  }

  private tokenKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  private lockKey(key: string): string {
    return `${this.keyPrefix}${key}:lock`;
  }
}

/** The smaller of the two bounds that are finite, in whole ms, at least 1 (Redis rejects PX 0). */
function clampTtl(ttlMs: number, lifeLeftMs: number): number {
  const bounds = [ttlMs, lifeLeftMs].filter(Number.isFinite);
  return Math.max(1, Math.floor(bounds.length > 0 ? Math.min(...bounds) : 1));
}

function parseToken(value: string): StoredAccessToken | undefined {
  let token: Partial<StoredAccessToken>;
  try {
    token = JSON.parse(value) as Partial<StoredAccessToken>;
  } catch {
    return undefined;
  }
  if (
    typeof token?.accessToken !== 'string' ||
    typeof token.expiresAt !== 'number' ||
    (token.refreshAt !== undefined && typeof token.refreshAt !== 'number')
  ) {
    return undefined;
  }
  return {
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    ...(token.refreshAt === undefined ? {} : { refreshAt: token.refreshAt }),
  };
}

function positiveIntegerProblem(name: string, value: unknown): string[] {
  return Number.isSafeInteger(value) && (value as number) > 0
    ? []
    : [`${name} must be a positive integer`];
}
