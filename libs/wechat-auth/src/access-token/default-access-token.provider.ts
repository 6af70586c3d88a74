import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type {
  AccessTokenStore,
  StoredAccessToken,
} from '../interfaces/access-token-store.interface';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import type { AccessTokenFetcher, FetchedAccessToken } from './access-token-fetcher';
import { AccessTokenProvider } from './access-token.provider';
import { resolveApp, tokenKey } from './wechat-apps';

/** Default of `AccessTokenStore.lockWaitMs`. */
const DEFAULT_LOCK_WAIT_MS = 5000;
/** How often a caller waiting for another instance's fetch looks at the store again. */
const LOCK_POLL_MS = 25;

interface CachedToken extends StoredAccessToken {
  /** After this instant the token is fetched again, ahead of `expiresAt`. */
  refreshAt: number;
}

/**
 * The built-in provider: tokens are fetched lazily, cached in this process and in the
 * `AccessTokenStore`, refreshed ahead of expiry, and fetched once however many callers ask at the
 * same time (one in-flight fetch per app). When the store can lock (`acquireLock`), one instance
 * fetches and the others wait up to `lockWaitMs` for its token in the store.
 *
 * @publicApi
 */
export class DefaultAccessTokenProvider
  extends AccessTokenProvider
  implements OnApplicationShutdown
{
  private readonly logger = new Logger(DefaultAccessTokenProvider.name);
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly options: ResolvedWechatAuthOptions,
    private readonly store: AccessTokenStore,
    private readonly fetcher: AccessTokenFetcher,
  ) {
    super();
  }

  async getAccessToken(appId?: string): Promise<string> {
    const app = this.tokenApp(appId);
    const key = tokenKey(app);
    const cached = this.cache.get(key);
    if (cached && Date.now() < cached.refreshAt) {
      return cached.accessToken;
    }
    return (await this.singleFlight(key, () => this.load(app, key))).accessToken;
  }

  async invalidate(accessToken: string, appId?: string): Promise<void> {
    const key = tokenKey(this.tokenApp(appId));
    if (this.cache.get(key)?.accessToken === accessToken) {
      this.cache.delete(key);
    }
    await this.store.deleteIfMatches(key, accessToken);
  }

  /**
   * Replaces the token now. In stable mode this sends `force_refresh: true`, which invalidates
   * the current token everywhere and is limited to 20 calls a day: use it only for a leaked token.
   */
  async forceRefresh(appId?: string): Promise<string> {
    const app = this.tokenApp(appId);
    const key = tokenKey(app);
    this.logger.warn(`Force-refreshing the ${app.tokenMode} access_token of ${app.appId}`);
    return (await this.singleFlight(key, () => this.fetchAndStore(app, key, true))).accessToken;
  }

  onApplicationShutdown(): void {
    this.cache.clear();
    this.inFlight.clear();
  }

  private tokenApp(appId?: string): ResolvedWechatApp {
    const app = resolveApp(this.options, appId);
    if (app.tokenMode === 'cloud') {
      throw new WechatAuthConfigError([
        `app ${app.appId || '(cloud)'} uses Cloud Hosting: calls carry no access_token`,
      ]);
    }
    return app;
  }

  private singleFlight(key: string, load: () => Promise<CachedToken>): Promise<CachedToken> {
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = load().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  private async load(app: ResolvedWechatApp, key: string): Promise<CachedToken> {
    const shared = await this.fromStore(key);
    if (shared) {
      return this.remember(key, shared);
    }
    return this.store.acquireLock ? this.loadLocked(app, key) : this.fetchAndStore(app, key, false);
  }

  /**
   * Distributed single flight: the lock holder fetches; the others poll the store (and the lock,
   * in case the holder failed) until the token appears or `lockWaitMs` passes, then fetch
   * themselves rather than wait without bound.
   */
  private async loadLocked(app: ResolvedWechatApp, key: string): Promise<CachedToken> {
    const waitMs = lockWaitOf(this.store);
    const giveUpAt = Date.now() + waitMs;
    for (;;) {
      const owner = await this.store.acquireLock!(key, waitMs);
      if (owner !== null) {
        return this.fetchUnderLock(app, key, owner);
      }
      if (Date.now() >= giveUpAt) {
        this.logger.warn(
          `No ${app.tokenMode} access_token of ${app.appId} appeared in the store within ${waitMs} ms; fetching it here`,
        );
        return this.fetchAndStore(app, key, false);
      }
      await sleep(LOCK_POLL_MS);
      const shared = await this.fromStore(key);
      if (shared) {
        return this.remember(key, shared);
      }
    }
  }

  private async fetchUnderLock(
    app: ResolvedWechatApp,
    key: string,
    owner: string,
  ): Promise<CachedToken> {
    try {
      // The previous holder may have stored a token between our miss and our lock.
      const shared = await this.fromStore(key);
      return shared ? this.remember(key, shared) : await this.fetchAndStore(app, key, false);
    } finally {
      // A lock left behind expires by itself; failing the fetched token over it would be worse.
      await this.store.releaseLock?.(key, owner).catch(() => {
        this.logger.warn(`Could not release the token lock of ${app.appId}; it will expire`);
      });
    }
  }

  /** The store's token while it is still before its refresh instant. */
  private async fromStore(key: string): Promise<CachedToken | undefined> {
    const shared = await this.store.get(key);
    if (shared && Date.now() < refreshAtOf(shared)) {
      return { ...shared, refreshAt: refreshAtOf(shared) };
    }
    return undefined;
  }

  private async fetchAndStore(
    app: ResolvedWechatApp,
    key: string,
    force: boolean,
  ): Promise<CachedToken> {
    const fetchedAt = Date.now();
    const fresh = await this.fetcher.fetch(app, force);
    const token = this.schedule(fresh, fetchedAt);
    if (token.refreshAt > Date.now()) {
      await this.store.set(key, token, token.refreshAt - Date.now());
    }
    return this.remember(key, token);
  }

  /**
   * Refresh `margin` before expiry; a token that lives less than twice the margin (stable_token
   * in its last minutes) is refreshed at half its life, so the TTL never reaches zero.
   */
  private schedule(fresh: FetchedAccessToken, fetchedAt: number): CachedToken {
    if (fresh.lifetimeMs === undefined) {
      return { accessToken: fresh.accessToken, expiresAt: fetchedAt, refreshAt: fetchedAt };
    }
    const margin = this.options.tokenRefreshMarginMs;
    const life = fresh.lifetimeMs;
    const useFor = life > 2 * margin ? life - margin : life / 2;
    return {
      accessToken: fresh.accessToken,
      expiresAt: fetchedAt + life,
      refreshAt: fetchedAt + Math.max(1, Math.floor(useFor)),
    };
  }

  private remember(key: string, token: CachedToken): CachedToken {
    if (token.refreshAt > Date.now()) {
      this.cache.set(key, token);
    }
    return token;
  }
}

/** The store's `lockWaitMs` in whole ms, or the default when it is missing or not > 0. */
function lockWaitOf(store: AccessTokenStore): number {
  const wait = store.lockWaitMs;
  return wait !== undefined && Number.isFinite(wait) && wait >= 1
    ? Math.ceil(wait)
    : DEFAULT_LOCK_WAIT_MS;
}

function refreshAtOf(token: StoredAccessToken): number {
  return token.refreshAt ?? token.expiresAt;
}
