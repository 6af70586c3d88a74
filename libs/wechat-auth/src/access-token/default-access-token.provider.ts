import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { worstCaseSendMs } from '../client/backoff';
import { delay } from '../client/delay';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import { WechatDeadlineExceededError } from '../errors/wechat-transport.error';
import type {
  AccessTokenStore,
  StoredAccessToken,
} from '../interfaces/access-token-store.interface';
import type { WechatCallOptions } from '../interfaces/paid-union-id-query.interface';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import {
  abandonedFetchMessage,
  tokenDeadlineMessage,
  tokenFetchPausedMessage,
} from '../wechat-auth.messages';
import {
  tokenSourcePath,
  type AccessTokenFetcher,
  type FetchedAccessToken,
} from './access-token-fetcher';
import { AccessTokenProvider } from './access-token.provider';
import { resolveApp, tokenKey } from './wechat-apps';

/** Default of `AccessTokenStore.lockWaitMs`. */
const DEFAULT_LOCK_WAIT_MS = 5000;
/** How often a caller waiting for another instance's fetch looks at the store again. */
const LOCK_POLL_MS = 25;

/** Upper bound of the WeChat calls behind one authorizer token (platform token, list, refresh). */
const COMPONENT_FETCH_SENDS = 4;

/** Longest setTimeout delay; a deadline further away than this is no bound on a token fetch. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface CachedToken extends StoredAccessToken {
  /** After this instant the token is fetched again, ahead of `expiresAt`. */
  refreshAt: number;
}

/** One fetch of an app's token, shared by every caller that asks while it runs. */
interface Flight {
  readonly token: Promise<CachedToken>;
  readonly abort: AbortController;
  /** Callers still waiting; `Infinity` once one without a deadline joined (it never leaves). */
  waiting: number;
}

/** The last failed fetch of an app's token, answered to every caller until `until`. */
interface FetchFailure {
  readonly error: unknown;
  readonly until: number;
  /** Failures in a row; each doubles the pause. */
  readonly count: number;
}

/**
 * The built-in provider: tokens are fetched lazily, cached in this process and in the
 * `AccessTokenStore`, refreshed ahead of expiry, and fetched once however many callers ask at the
 * same time (one in-flight fetch per app). When the store can lock (`acquireLock`), one instance
 * fetches and the others wait for its token in the store while the lock is held; the lock lives
 * as long as the fetch can (every attempt timing out, every backoff at its ceiling) plus
 * `lockWaitMs`, so a slow fetch never runs beside a second one.
 *
 * A caller with a `deadline` stops waiting then; the fetch goes on for the callers still
 * waiting, and is abandoned (its attempt in flight cancelled, no retry) when none is left.
 *
 * A failed fetch pauses the app's fetches in this process (`tokenFetchBackoff`: 2 s, doubling
 * per further failure up to 60 s, reset by a fetched token): until then every caller rejects with
 * that same error and the token source is not asked. `forceRefresh` ignores the pause.
 *
 * @publicApi
 */
export class DefaultAccessTokenProvider
  extends AccessTokenProvider
  implements OnApplicationShutdown
{
  private readonly logger = new Logger(DefaultAccessTokenProvider.name);
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Flight>();
  private readonly failures = new Map<string, FetchFailure>();

  constructor(
    private readonly options: ResolvedWechatAuthOptions,
    private readonly store: AccessTokenStore,
    private readonly fetcher: Pick<AccessTokenFetcher, 'fetch'>,
  ) {
    super();
  }

  async getAccessToken(appId?: string, options: WechatCallOptions = {}): Promise<string> {
    const app = this.tokenApp(appId);
    const key = tokenKey(app);
    const cached = this.cache.get(key);
    if (cached && Date.now() < cached.refreshAt) {
      return cached.accessToken;
    }
    const failure = this.failures.get(key);
    if (failure && Date.now() < failure.until) {
      throw failure.error;
    }
    const load = (signal: AbortSignal) => this.load(app, key, signal);
    return (await this.join(app, key, options.deadline, load)).accessToken;
  }

  async invalidate(accessToken: string, appId?: string): Promise<void> {
    const key = tokenKey(this.tokenApp(appId));
    if (this.cache.get(key)?.accessToken === accessToken) {
      this.cache.delete(key);
    }
    await this.store.deleteIfMatches(key, accessToken);
  }

  /**
   * Fetches a new token now, even during a pause after a failure. In stable mode this sends
   * `force_refresh: true`, which invalidates the current token everywhere and is limited to 20
   * calls a day: use it only for a leaked token.
   */
  override async forceRefresh(appId?: string): Promise<string> {
    const app = this.tokenApp(appId);
    const key = tokenKey(app);
    this.logger.warn(`Force-refreshing the ${app.tokenMode} access_token of ${app.appId}`);
    const load = (signal: AbortSignal) => this.fetchAndStore(app, key, true, signal);
    return (await this.join(app, key, undefined, load)).accessToken;
  }

  /**
   * Drops the cached token of `appId`, in this process and in the store, and ends a pause after
   * a failed fetch: e.g. when a mini program revoked (or renewed) its authorisation of the
   * third-party platform. Other instances keep their in-process copy until WeChat rejects it.
   */
  async forget(appId: string): Promise<void> {
    const key = tokenKey(this.tokenApp(appId));
    this.cache.delete(key);
    this.failures.delete(key);
    const stored = await this.store.get(key);
    if (stored) {
      await this.store.deleteIfMatches(key, stored.accessToken);
    }
  }

  onApplicationShutdown(): void {
    for (const flight of this.inFlight.values()) {
      flight.abort.abort();
    }
    this.cache.clear();
    this.inFlight.clear();
    this.failures.clear();
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

  /**
   * Waits for the app's fetch in flight (starting one if none runs), until `deadline` if given.
   * A caller leaving at its deadline does not cancel the fetch for the others; the last one to
   * leave abandons it.
   */
  private join(
    app: ResolvedWechatApp,
    key: string,
    deadline: number | undefined,
    load: (signal: AbortSignal) => Promise<CachedToken>,
  ): Promise<CachedToken> {
    const waitMs = deadline === undefined ? Infinity : deadline - Date.now();
    if (waitMs <= 0) {
      return Promise.reject(this.deadlineError(app));
    }
    const flight = this.inFlight.get(key) ?? this.start(key, load);
    if (waitMs > MAX_TIMER_MS) {
      flight.waiting = Infinity;
      return flight.token;
    }
    flight.waiting += 1;
    return new Promise<CachedToken>((resolve, reject) => {
      const timer = setTimeout(() => {
        flight.waiting -= 1;
        if (flight.waiting === 0) {
          this.abandon(key, flight);
        }
        reject(this.deadlineError(app));
      }, waitMs);
      // Only this caller's wait: it must not hold a process that is otherwise done.
      timer.unref();
      flight.token.then(
        (token) => {
          clearTimeout(timer);
          resolve(token);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private start(key: string, load: (signal: AbortSignal) => Promise<CachedToken>): Flight {
    const abort = new AbortController();
    const flight: Flight = {
      abort,
      waiting: 0,
      token: load(abort.signal).finally(() => {
        if (this.inFlight.get(key) === flight) {
          this.inFlight.delete(key);
        }
      }),
    };
    // When every caller left at its deadline, nobody else handles the rejection.
    flight.token.catch(() => undefined);
    this.inFlight.set(key, flight);
    return flight;
  }

  /** No caller waits any more: cancel the fetch, and let the next caller start a fresh one. */
  private abandon(key: string, flight: Flight): void {
    if (this.inFlight.get(key) === flight) {
      this.inFlight.delete(key);
    }
    flight.abort.abort();
  }

  private deadlineError(app: ResolvedWechatApp): WechatDeadlineExceededError {
    return new WechatDeadlineExceededError(tokenSourcePath(app), tokenDeadlineMessage(app.appId));
  }

  private async load(
    app: ResolvedWechatApp,
    key: string,
    signal: AbortSignal,
  ): Promise<CachedToken> {
    const shared = await this.fromStore(key);
    if (shared) {
      return this.remember(key, shared);
    }
    return this.store.acquireLock
      ? this.loadLocked(app, key, signal)
      : this.fetchAndStore(app, key, false, signal);
  }

  /**
   * Distributed single flight: the lock holder fetches; the others poll the store (and the lock,
   * in case the holder failed) until the token appears, for as long as the lock is held. The
   * lock outlives the longest possible fetch, so waiting never ends in a second fetch beside a
   * live holder; a holder that died leaves a lock that expires, and a waiter then takes it.
   */
  private async loadLocked(
    app: ResolvedWechatApp,
    key: string,
    signal: AbortSignal,
  ): Promise<CachedToken> {
    const lockTtlMs = this.lockTtlMs(app);
    for (;;) {
      if (signal.aborted) {
        throw abandonedError(app);
      }
      const owner = await this.store.acquireLock!(key, lockTtlMs);
      if (owner !== null) {
        return this.fetchUnderLock(app, key, owner, signal);
      }
      await delay(LOCK_POLL_MS, signal).catch(() => undefined);
      const shared = signal.aborted ? undefined : await this.fromStore(key);
      if (shared) {
        return this.remember(key, shared);
      }
    }
  }

  /**
   * The fetch's own upper bound (every attempt timing out, every backoff at its ceiling), plus
   * `lockWaitMs` for the store's reads and writes around it. An `external` source has no known
   * bound: the same lifetime applies.
   */
  private lockTtlMs(app: ResolvedWechatApp): number {
    // An authoriser's fetch may first fetch the platform's token and read the authoriser list.
    const sends = app.tokenMode === 'component' ? COMPONENT_FETCH_SENDS : 1;
    return (
      sends * worstCaseSendMs(this.options.timeoutMs, this.options.retry) + lockWaitOf(this.store)
    );
  }

  private async fetchUnderLock(
    app: ResolvedWechatApp,
    key: string,
    owner: string,
    signal: AbortSignal,
  ): Promise<CachedToken> {
    try {
      // The previous holder may have stored a token between our miss and our lock.
      const shared = await this.fromStore(key);
      return shared
        ? this.remember(key, shared)
        : await this.fetchAndStore(app, key, false, signal);
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
    signal: AbortSignal,
  ): Promise<CachedToken> {
    const fetchedAt = Date.now();
    let fresh: FetchedAccessToken;
    try {
      fresh = await this.fetcher.fetch(app, { forceRefresh: force, signal });
    } catch (error) {
      // An abandoned fetch says nothing about the token source.
      if (!signal.aborted) {
        this.pauseAfter(app, key, error);
      }
      throw error;
    }
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

  /** Every caller gets `error` until the pause ends; the pause doubles per failure in a row. */
  private pauseAfter(app: ResolvedWechatApp, key: string, error: unknown): void {
    const { baseDelayMs, maxDelayMs } = this.options.tokenFetchBackoff;
    if (baseDelayMs <= 0) {
      return;
    }
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const pauseMs = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(count - 1, 30));
    this.failures.set(key, { error, count, until: Date.now() + pauseMs });
    this.logger.warn(tokenFetchPausedMessage(app.appId, pauseMs));
  }

  private remember(key: string, token: CachedToken): CachedToken {
    // A token, fetched here or by another instance: the token source works again.
    this.failures.delete(key);
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

function abandonedError(app: ResolvedWechatApp): WechatDeadlineExceededError {
  return new WechatDeadlineExceededError(
    tokenSourcePath(app),
    abandonedFetchMessage(tokenSourcePath(app)),
  );
}

function refreshAtOf(token: StoredAccessToken): number {
  return token.refreshAt ?? token.expiresAt;
}
