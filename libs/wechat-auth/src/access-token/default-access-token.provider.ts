import { Logger, type OnApplicationShutdown } from '@nestjs/common';
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

interface CachedToken extends StoredAccessToken {
  /** After this instant the token is fetched again, ahead of `expiresAt`. */
  refreshAt: number;
}

/**
 * The built-in provider: tokens are fetched lazily, cached in this process and in the
 * `AccessTokenStore`, refreshed ahead of expiry, and fetched once however many callers ask at the
 * same time (one in-flight fetch per app).
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
    const shared = await this.store.get(key);
    if (shared && Date.now() < refreshAtOf(shared)) {
      return this.remember(key, { ...shared, refreshAt: refreshAtOf(shared) });
    }
    return this.fetchAndStore(app, key, false);
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

function refreshAtOf(token: StoredAccessToken): number {
  return token.refreshAt ?? token.expiresAt;
}
