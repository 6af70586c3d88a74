import { Logger } from '@nestjs/common';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import {
  WechatComponentStoreError,
  type WechatComponentStoreOperation,
} from '../../errors/wechat-component-store.error';
import { copyAuthorizer, copyTicket } from './component-records';
import {
  RedisCommandFailure,
  RedisCommandRunner,
} from '../../access-token/redis/redis-command.runner';
import type {
  RedisWechatComponentStoreClient,
  RedisWechatComponentStoreOptions,
} from './redis-wechat-component-store-options.interface';
import { SAVE_UNLESS_NEWER } from './redis-wechat-component.scripts';
import {
  redisComponentStoreAvailableMessage,
  redisComponentStoreUnavailableMessage,
} from './wechat-component-store.messages';
import {
  WechatComponentStore,
  type StoredAuthorizer,
  type StoredComponentTicket,
} from './wechat-component.store';

const DEFAULT_KEY_PREFIX = 'wechat-auth:component:';
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/**
 * A `WechatComponentStore` in Redis, shared by every instance that uses the same Redis and
 * `keyPrefix`. Each record is one JSON string key, written by a Lua script that keeps the newest
 * (`createdAt` / `updatedAt`), and stored without TTL: refresh tokens must outlive any cache. Run
 * Redis with persistence (AOF) and a `maxmemory-policy` that never evicts keys without TTL
 * (`noeviction` or `volatile-*`): a lost refresh token means asking WeChat for the authoriser
 * list.
 *
 * Pass a ready ioredis 5 client (the app owns it and closes it), with an `'error'` listener and
 * fail-fast settings, e.g. `new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })`.
 *
 * Unlike `RedisTokenStore`, an outage is never answered as "empty": when Redis fails or does not
 * answer within `commandTimeoutMs`, every read and write rejects with a
 * `WechatComponentStoreError`, so a push whose ticket or refresh token could not be stored is
 * answered with a failure and WeChat sends it again. One warning is logged per outage. No ticket
 * or refresh token appears in a log line or an error message.
 *
 * @publicApi
 */
export class RedisWechatComponentStore extends WechatComponentStore {
  private readonly keyPrefix: string;
  private readonly redis: RedisCommandRunner;
  private readonly logger = new Logger(RedisWechatComponentStore.name);

  /** @throws WechatAuthConfigError on invalid options */
  constructor(
    private readonly client: RedisWechatComponentStoreClient,
    options: RedisWechatComponentStoreOptions = {},
  ) {
    super();
    const { keyPrefix = DEFAULT_KEY_PREFIX, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } =
      options;
    const problems = [
      ...(typeof keyPrefix === 'string' ? [] : ['keyPrefix must be a string']),
      ...(Number.isSafeInteger(commandTimeoutMs) && commandTimeoutMs > 0
        ? []
        : ['commandTimeoutMs must be a positive integer']),
    ];
    if (problems.length > 0) {
      throw new WechatAuthConfigError(
        problems,
        `Invalid RedisWechatComponentStore options: ${problems.join('; ')}`,
      );
    }
    this.keyPrefix = keyPrefix;
    this.redis = new RedisCommandRunner(client, commandTimeoutMs, this.logger, {
      unavailable: redisComponentStoreUnavailableMessage,
      available: redisComponentStoreAvailableMessage,
    });
  }

  async getTicket(componentAppId: string): Promise<StoredComponentTicket | undefined> {
    const value = await this.run('getTicket', componentAppId, undefined, [], () =>
      this.client.get(this.ticketKey(componentAppId)),
    );
    return value === null ? undefined : parseTicket(value);
  }

  async saveTicket(componentAppId: string, ticket: StoredComponentTicket): Promise<boolean> {
    const value = copyTicket(ticket);
    assertFinite('saveTicket', componentAppId, undefined, 'createdAt', value.createdAt);
    const stored = await this.run('saveTicket', componentAppId, undefined, [value.ticket], () =>
      this.saveUnlessNewer(this.ticketKey(componentAppId), value, 'createdAt', value.createdAt),
    );
    return stored === 1;
  }

  async getAuthorizer(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredAuthorizer | undefined> {
    const value = await this.run('getAuthorizer', componentAppId, authorizerAppId, [], () =>
      this.client.get(this.authorizerKey(componentAppId, authorizerAppId)),
    );
    return value === null ? undefined : parseAuthorizer(value, authorizerAppId);
  }

  async saveAuthorizer(componentAppId: string, record: StoredAuthorizer): Promise<boolean> {
    const value = copyAuthorizer(record);
    assertFinite(
      'saveAuthorizer',
      componentAppId,
      value.authorizerAppId,
      'updatedAt',
      value.updatedAt,
    );
    const secrets = value.refreshToken === undefined ? [] : [value.refreshToken];
    const key = this.authorizerKey(componentAppId, value.authorizerAppId);
    const stored = await this.run(
      'saveAuthorizer',
      componentAppId,
      value.authorizerAppId,
      secrets,
      () => this.saveUnlessNewer(key, value, 'updatedAt', value.updatedAt),
    );
    return stored === 1;
  }

  private saveUnlessNewer(key: string, value: object, field: string, at: number) {
    return this.client.eval(SAVE_UNLESS_NEWER, 1, key, JSON.stringify(value), field, String(at));
  }

  /** Runs one command; any failure becomes a `WechatComponentStoreError` without the secrets. */
  private async run<T>(
    operation: WechatComponentStoreOperation,
    componentAppId: string,
    authorizerAppId: string | undefined,
    secrets: readonly string[],
    command: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.redis.run(command, secrets);
    } catch (error) {
      const detail = error instanceof RedisCommandFailure ? error.message : 'command failed';
      throw new WechatComponentStoreError(operation, componentAppId, detail, authorizerAppId);
    }
  }

  private ticketKey(componentAppId: string): string {
    return `${this.keyPrefix}${componentAppId}:ticket`;
  }

  private authorizerKey(componentAppId: string, authorizerAppId: string): string {
    return `${this.keyPrefix}${componentAppId}:authorizer:${authorizerAppId}`;
  }
}

/** A record without a usable timestamp could never be replaced by a newer one: refused. */
function assertFinite(
  operation: WechatComponentStoreOperation,
  componentAppId: string,
  authorizerAppId: string | undefined,
  field: string,
  value: number,
): void {
  if (!Number.isFinite(value)) {
    throw new WechatComponentStoreError(
      operation,
      componentAppId,
      `${field} must be a finite number`,
      authorizerAppId,
    );
  }
}

function parseJson(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The stored ticket, or `undefined` for a value that is not one (the next push replaces it). */
function parseTicket(value: string): StoredComponentTicket | undefined {
  const parsed = parseJson(value);
  if (typeof parsed?.ticket !== 'string' || typeof parsed.createdAt !== 'number') return undefined;
  return { ticket: parsed.ticket, createdAt: parsed.createdAt };
}

/** The stored record, or `undefined` for a value that is not one. */
function parseAuthorizer(value: string, authorizerAppId: string): StoredAuthorizer | undefined {
  const parsed = parseJson(value);
  if (
    typeof parsed?.updatedAt !== 'number' ||
    !optional(parsed.refreshToken, 'string') ||
    !optional(parsed.revokedAt, 'number') ||
    (parsed.funcIds !== undefined &&
      !(Array.isArray(parsed.funcIds) && parsed.funcIds.every((id) => typeof id === 'number')))
  ) {
    return undefined;
  }
  return copyAuthorizer({
    authorizerAppId,
    refreshToken: parsed.refreshToken as string | undefined,
    funcIds: parsed.funcIds as number[] | undefined,
    revokedAt: parsed.revokedAt as number | undefined,
    updatedAt: parsed.updatedAt,
  });
}

function optional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || typeof value === type;
}
