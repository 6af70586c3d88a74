import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessTokenRefreshError } from '../errors/access-token-refresh.error';
import { ExternalTokenSourceError } from '../errors/external-token-source.error';
import { WechatApiError } from '../errors/wechat-api.error';
import { WechatUnexpectedResponseError } from '../errors/wechat-transport.error';
import { WechatError } from '../errors/wechat.error';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import type { WechatResponseBody } from '../interfaces/wechat-response-body.interface';
import { WechatTransport } from '../client/wechat-transport';
import { WechatComponentClient } from '../component/wechat-component.client';
import { WechatComponentApiError } from '../errors/wechat-component-api.error';
import { WECHAT_AUTH_RESOLVED_OPTIONS } from '../wechat-auth.internal-constants';

/** A token fresh from its source. `lifetimeMs` undefined: do not cache it. @publicApi */
export interface FetchedAccessToken {
  accessToken: string;
  lifetimeMs?: number;
}

/** Options of one token fetch. @publicApi */
export interface AccessTokenFetchOptions {
  /** stable mode only: asks WeChat to invalidate the current token (20/day). */
  forceRefresh?: boolean;
  /** Aborted when no caller waits for this fetch any more. */
  signal?: AbortSignal;
}

const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';
const CLASSIC_TOKEN_PATH = '/cgi-bin/token';

/** Where an app's token comes from, as named in errors: the WeChat path, or `externalToken`. */
export function tokenSourcePath(app: ResolvedWechatApp): string {
  switch (app.tokenMode) {
    case 'stable':
      return STABLE_TOKEN_PATH;
    case 'classic':
      return CLASSIC_TOKEN_PATH;
    case 'component':
      return '/cgi-bin/component/api_authorizer_token';
    default:
      return app.tokenMode === 'external' ? 'externalToken' : '(none)';
  }
}

/**
 * Fetches a token from its source: stable_token, token, or the external source. Used by
 * `DefaultAccessTokenProvider`; exported as a type because that class's constructor takes it.
 *
 * @publicApi
 */
@Injectable()
export class AccessTokenFetcher {
  private readonly logger = new Logger(AccessTokenFetcher.name);

  constructor(
    private readonly transport: WechatTransport,
    @Inject(WECHAT_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWechatAuthOptions,
    private readonly component: WechatComponentClient,
  ) {}

  /**
   * @throws AccessTokenRefreshError; ExternalTokenSourceError; WechatDeadlineExceededError once
   * `signal` aborted
   */
  async fetch(
    app: ResolvedWechatApp,
    options: AccessTokenFetchOptions = {},
  ): Promise<FetchedAccessToken> {
    const { forceRefresh = false, signal } = options;
    try {
      const token = await this.fromSource(app, forceRefresh, signal);
      this.options.hooks.onTokenFetch?.({
        appId: app.appId,
        mode: app.tokenMode,
        outcome: 'success',
      });
      this.logger.debug(
        `Fetched a ${app.tokenMode} access_token for ${app.appId}` +
          (token.lifetimeMs === undefined
            ? ''
            : `, valid ${Math.round(token.lifetimeMs / 1000)} s`),
      );
      return token;
    } catch (error) {
      if (signal?.aborted) {
        // Nobody waits for it (deadlines passed, or shutdown): not a failure of WeChat or config.
        this.logger.warn(
          `Abandoned the ${app.tokenMode} access_token fetch of ${app.appId}: no caller waits for it any more`,
        );
        throw error;
      }
      // The platform's errors are typed already (revoked, refresh token, ticket, permission).
      const failure =
        error instanceof WechatApiError && !(error instanceof WechatComponentApiError)
          ? new AccessTokenRefreshError(app.appId, error.errcode, error.errmsg, error.path)
          : error;
      this.options.hooks.onTokenFetch?.({
        appId: app.appId,
        mode: app.tokenMode,
        outcome: 'error',
        errcode: failure instanceof WechatApiError ? failure.errcode : undefined,
      });
      this.logger.error(failure instanceof Error ? failure.message : 'token fetch failed');
      throw failure;
    }
  }

  private async fromSource(
    app: ResolvedWechatApp,
    forceRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<FetchedAccessToken> {
    switch (app.tokenMode) {
      case 'stable':
        return this.parse(
          STABLE_TOKEN_PATH,
          await this.transport.send({
            method: 'POST',
            baseUrl: app.apiBaseUrl,
            path: STABLE_TOKEN_PATH,
            body: {
              grant_type: 'client_credential',
              appid: app.appId,
              secret: app.secret,
              force_refresh: forceRefresh,
            },
            signal,
          }),
        );
      case 'classic':
        return this.parse(
          CLASSIC_TOKEN_PATH,
          await this.transport.send({
            method: 'GET',
            baseUrl: app.apiBaseUrl,
            path: CLASSIC_TOKEN_PATH,
            query: { grant_type: 'client_credential', appid: app.appId, secret: app.secret },
            signal,
          }),
        );
      case 'external':
        return this.fromExternal(app);
      case 'component':
        return this.component.fetchAuthorizerToken(app.appId, signal);
      case 'cloud':
        throw new WechatError(`app ${app.appId || '(cloud)'} uses Cloud Hosting and has no token`);
    }
  }

  private async fromExternal(app: ResolvedWechatApp): Promise<FetchedAccessToken> {
    let answer: Awaited<ReturnType<NonNullable<ResolvedWechatApp['externalToken']>>>;
    try {
      answer = await app.externalToken!(app.appId);
    } catch (error) {
      throw new ExternalTokenSourceError(app.appId, error);
    }
    const token = typeof answer === 'string' ? { accessToken: answer } : answer;
    if (typeof token?.accessToken !== 'string' || token.accessToken === '') {
      throw new ExternalTokenSourceError(app.appId, undefined, 'it returned no token');
    }
    return {
      accessToken: token.accessToken,
      lifetimeMs: token.expiresIn === undefined ? undefined : token.expiresIn * 1000,
    };
  }

  private parse(path: string, body: WechatResponseBody): FetchedAccessToken {
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new WechatUnexpectedResponseError(path, 'no access_token/expires_in');
    }
    return { accessToken: body.access_token, lifetimeMs: body.expires_in * 1000 };
  }
}
