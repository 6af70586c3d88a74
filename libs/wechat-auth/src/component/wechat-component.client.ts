import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FetchedAccessToken } from '../access-token/access-token-fetcher';
import { DefaultAccessTokenProvider } from '../access-token/default-access-token.provider';
import { platformApp } from '../access-token/wechat-apps';
import { WechatTransport } from '../client/wechat-transport';
import { WechatApiError } from '../errors/wechat-api.error';
import {
  WechatAuthorizerRefreshTokenError,
  WechatAuthorizerRevokedError,
} from '../errors/wechat-component-api.error';
import { WechatComponentTicketMissingError } from '../errors/wechat-component-ticket-missing.error';
import { WechatUnexpectedResponseError } from '../errors/wechat-transport.error';
import type { AccessTokenStore } from '../interfaces/access-token-store.interface';
import type {
  ResolvedWechatAuthOptions,
  ResolvedWechatComponent,
} from '../interfaces/resolved-options.interface';
import type { WechatResponseBody } from '../interfaces/wechat-response-body.interface';
import { TOKEN_INVALID_ERRCODES } from '../wechat-auth.constants';
import {
  WECHAT_AUTH_RESOLVED_OPTIONS,
  WECHAT_AUTH_TOKEN_STORE,
} from '../wechat-auth.internal-constants';
import { authorizerRevokedErrmsg, authorizerUnknownErrmsg } from '../wechat-auth.messages';
import type { StoredAuthorizer } from './store/wechat-component.store';

export const COMPONENT_PATHS = {
  componentToken: '/cgi-bin/component/api_component_token',
  queryAuth: '/cgi-bin/component/api_query_auth',
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
  authorizerList: '/cgi-bin/component/api_get_authorizer_list',
} as const;

/** Largest page api_get_authorizer_list serves. */
const AUTHORIZER_LIST_PAGE = 500;

/** What api_query_auth tells of a fresh authorisation. */
export interface ExchangedAuthorization {
  authorizerAppId: string;
  refreshToken?: string;
  funcIds: number[];
}

/**
 * The third-party platform's side of WeChat: its component_access_token (cached, fetched once
 * however many callers, shared through the token store like any token), and the calls made with
 * it. Internal: `WechatComponentService` is the public face.
 */
@Injectable()
export class WechatComponentClient implements OnApplicationShutdown {
  private readonly logger = new Logger('WechatComponent');
  private readonly platformTokens?: DefaultAccessTokenProvider;
  private listRead?: Promise<Map<string, StoredAuthorizer>>;

  constructor(
    private readonly transport: WechatTransport,
    @Inject(WECHAT_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWechatAuthOptions,
    @Inject(WECHAT_AUTH_TOKEN_STORE) tokenStore: AccessTokenStore,
  ) {
    if (options.component) {
      // The platform token gets the built-in provider's caching, single flight and store lock.
      const app = platformApp(options);
      this.platformTokens = new DefaultAccessTokenProvider(
        { ...options, apps: new Map([[app.appId, app]]), defaultApp: app },
        tokenStore,
        { fetch: (_app, fetchOptions) => this.fetchPlatformToken(fetchOptions?.signal) },
      );
    }
  }

  get component(): ResolvedWechatComponent {
    const component = this.options.component;
    if (!component) {
      throw new Error('WechatAuthModule has no `component` configured');
    }
    return component;
  }

  /**
   * A fresh authorizer_access_token of `authorizerAppId`, from its stored refresh token (read
   * again from api_get_authorizer_list when it is missing or rejected). A refresh token WeChat
   * answers with is stored when it differs.
   *
   * @throws WechatAuthorizerRevokedError the app revoked its authorisation, or never gave one
   * @throws WechatAuthorizerRefreshTokenError no working refresh token, even after the list
   * @throws WechatComponentTicketMissingError no ticket stored yet
   */
  async fetchAuthorizerToken(
    authorizerAppId: string,
    signal?: AbortSignal,
  ): Promise<FetchedAccessToken> {
    let authorizer = await this.authorizerWithRefreshToken(authorizerAppId);
    let answer: WechatResponseBody;
    try {
      answer = await this.refreshAuthorizer(authorizer, signal);
    } catch (error) {
      if (error instanceof WechatAuthorizerRefreshTokenError) {
        this.logger.warn(
          `The refresh token of ${authorizerAppId} was rejected (61023); reading the authoriser list`,
        );
        authorizer = await this.recoverAuthorizer(authorizerAppId, authorizer.refreshToken);
        answer = await this.refreshAuthorizer(authorizer, signal);
      } else {
        if (error instanceof WechatAuthorizerRevokedError) {
          await this.saveRevoked(authorizerAppId, Date.now());
        }
        throw error;
      }
    }
    const accessToken = answer.authorizer_access_token;
    const expiresIn = answer.expires_in;
    if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number') {
      throw new WechatUnexpectedResponseError(
        COMPONENT_PATHS.authorizerToken,
        'no authorizer_access_token/expires_in',
      );
    }
    const rotated = answer.authorizer_refresh_token;
    if (typeof rotated === 'string' && rotated !== '' && rotated !== authorizer.refreshToken) {
      await this.keepRotatedRefreshToken(authorizer, rotated);
    }
    return { accessToken, lifetimeMs: expiresIn * 1000 };
  }

  /** Exchanges an authorisation code (from the `authorized` event or the redirect) with api_query_auth. */
  async exchangeAuthorizationCode(code: string): Promise<ExchangedAuthorization> {
    const answer = await this.withPlatformToken((token) =>
      this.post(COMPONENT_PATHS.queryAuth, token, {
        component_appid: this.component.componentAppId,
        authorization_code: code,
      }),
    );
    const info = answer.authorization_info as Record<string, unknown> | undefined;
    const authorizerAppId = info?.authorizer_appid;
    if (typeof authorizerAppId !== 'string' || authorizerAppId === '') {
      throw new WechatUnexpectedResponseError(COMPONENT_PATHS.queryAuth, 'no authorizer_appid');
    }
    const refreshToken = info?.authorizer_refresh_token;
    return {
      authorizerAppId,
      ...(typeof refreshToken === 'string' && refreshToken !== '' && { refreshToken }),
      funcIds: funcIdsOf(info?.func_info),
    };
  }

  /**
   * Reads every page of api_get_authorizer_list and stores each refresh token that differs from
   * the stored one (a lost store refills itself). One read at a time per process.
   * @returns the listed authorisers by appid
   */
  readAuthorizerList(): Promise<Map<string, StoredAuthorizer>> {
    this.listRead ??= this.readAndStoreAuthorizerList().finally(() => {
      this.listRead = undefined;
    });
    return this.listRead;
  }

  /**
   * Stores the revocation of `authorizerAppId` (its refresh token is forgotten). A revocation
   * replaces whatever is stored: the refresh tokens written since (by another instance's clock)
   * stopped working with it, and only a later authorisation ends it.
   */
  async saveRevoked(authorizerAppId: string, revokedAt: number): Promise<boolean> {
    const { store, componentAppId } = this.component;
    const stored = await store.getAuthorizer(componentAppId, authorizerAppId);
    return store.saveAuthorizer(componentAppId, {
      authorizerAppId,
      ...(stored?.funcIds && { funcIds: stored.funcIds }),
      revokedAt,
      updatedAt: Math.max(revokedAt, (stored?.updatedAt ?? 0) + 1),
    });
  }

  onApplicationShutdown(): void {
    this.platformTokens?.onApplicationShutdown();
  }

  private async authorizerWithRefreshToken(
    authorizerAppId: string,
  ): Promise<StoredAuthorizer & { refreshToken: string }> {
    const { store, componentAppId } = this.component;
    const stored = await store.getAuthorizer(componentAppId, authorizerAppId);
    if (stored?.revokedAt !== undefined) {
      throw new WechatAuthorizerRevokedError(
        61003,
        authorizerRevokedErrmsg,
        COMPONENT_PATHS.authorizerToken,
      );
    }
    if (stored?.refreshToken) {
      return { ...stored, refreshToken: stored.refreshToken };
    }
    this.logger.warn(`No refresh token stored for ${authorizerAppId}; reading the authoriser list`);
    return this.recoverAuthorizer(authorizerAppId, undefined);
  }

  /** The authoriser as api_get_authorizer_list has it, with a refresh token other than `rejected`. */
  private async recoverAuthorizer(
    authorizerAppId: string,
    rejected: string | undefined,
  ): Promise<StoredAuthorizer & { refreshToken: string }> {
    const listed = (await this.readAuthorizerList()).get(authorizerAppId);
    if (!listed) {
      throw new WechatAuthorizerRevokedError(
        61003,
        authorizerUnknownErrmsg,
        COMPONENT_PATHS.authorizerList,
      );
    }
    if (!listed.refreshToken || listed.refreshToken === rejected) {
      throw new WechatAuthorizerRefreshTokenError(
        61023,
        listed.refreshToken
          ? 'refresh_token is invalid (api_get_authorizer_list holds the same one)'
          : 'refresh_token is invalid (authorised, but no authorisation code was exchanged)',
        COMPONENT_PATHS.authorizerList,
      );
    }
    return { ...listed, refreshToken: listed.refreshToken };
  }

  private refreshAuthorizer(
    authorizer: StoredAuthorizer & { refreshToken: string },
    signal: AbortSignal | undefined,
  ): Promise<WechatResponseBody> {
    return this.withPlatformToken((token) =>
      this.post(
        COMPONENT_PATHS.authorizerToken,
        token,
        {
          component_appid: this.component.componentAppId,
          authorizer_appid: authorizer.authorizerAppId,
          authorizer_refresh_token: authorizer.refreshToken,
        },
        signal,
      ),
    );
  }

  private async keepRotatedRefreshToken(
    authorizer: StoredAuthorizer,
    refreshToken: string,
  ): Promise<void> {
    const { store, componentAppId } = this.component;
    try {
      await store.saveAuthorizer(componentAppId, {
        ...authorizer,
        refreshToken,
        // Newer than the record it replaces, whatever the clocks of other instances say.
        updatedAt: Math.max(Date.now(), authorizer.updatedAt + 1),
      });
      this.logger.log(`Stored the new refresh token of ${authorizer.authorizerAppId}`);
    } catch (error) {
      // The token is good; the list read recovers the refresh token if the old one stops working.
      this.logger.error(
        `Could not store the new refresh token of ${authorizer.authorizerAppId}: ${errorName(error)}`,
      );
    }
  }

  private async readAndStoreAuthorizerList(): Promise<Map<string, StoredAuthorizer>> {
    const { store, componentAppId } = this.component;
    const listed = new Map<string, StoredAuthorizer>();
    for (let offset = 0; ; offset += AUTHORIZER_LIST_PAGE) {
      const page = await this.withPlatformToken((token) =>
        this.post(COMPONENT_PATHS.authorizerList, token, {
          component_appid: componentAppId,
          offset,
          count: AUTHORIZER_LIST_PAGE,
        }),
      );
      const entries = Array.isArray(page.list) ? (page.list as unknown[]) : [];
      for (const entry of entries) {
        const item = entry as Record<string, unknown>;
        if (typeof item.authorizer_appid !== 'string') continue;
        const stored = await store.getAuthorizer(componentAppId, item.authorizer_appid);
        const refreshToken =
          typeof item.refresh_token === 'string' && item.refresh_token !== ''
            ? item.refresh_token
            : undefined;
        const record: StoredAuthorizer = {
          authorizerAppId: item.authorizer_appid,
          ...(refreshToken && { refreshToken }),
          ...(stored?.funcIds && { funcIds: stored.funcIds }),
          updatedAt: Math.max(Date.now(), (stored?.updatedAt ?? 0) + 1),
        };
        // WeChat's list is the current state: it ends a recorded revocation too.
        if (refreshToken && (refreshToken !== stored?.refreshToken || stored.revokedAt)) {
          await store.saveAuthorizer(componentAppId, record);
        }
        listed.set(record.authorizerAppId, record);
      }
      const total = typeof page.total_count === 'number' ? page.total_count : 0;
      if (entries.length === 0 || offset + entries.length >= total) break;
    }
    this.logger.log(`Read ${listed.size} authoriser(s) from api_get_authorizer_list`);
    return listed;
  }

  /** Calls with the platform token; a rejected token (40001/40014/42001) is replaced once. */
  private async withPlatformToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const tokens = this.platformTokens!;
    const token = await tokens.getAccessToken();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_INVALID_ERRCODES.includes(error.errcode)) {
        throw error;
      }
      this.logger.warn(
        `WeChat rejected the component_access_token (errcode ${error.errcode}); replacing it once`,
      );
      await tokens.invalidate(token);
      return call(await tokens.getAccessToken());
    }
  }

  private post(
    path: string,
    componentAccessToken: string,
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<WechatResponseBody> {
    return this.transport.send({
      method: 'POST',
      baseUrl: this.component.apiBaseUrl,
      path,
      query: { component_access_token: componentAccessToken },
      body,
      signal,
    });
  }

  private async fetchPlatformToken(signal?: AbortSignal): Promise<FetchedAccessToken> {
    const { store, componentAppId, componentSecret } = this.component;
    const hooks = this.options.hooks;
    try {
      const ticket = await store.getTicket(componentAppId);
      if (!ticket) {
        throw new WechatComponentTicketMissingError(componentAppId);
      }
      const answer = await this.transport.send({
        method: 'POST',
        baseUrl: this.component.apiBaseUrl,
        path: COMPONENT_PATHS.componentToken,
        body: {
          component_appid: componentAppId,
          component_appsecret: componentSecret,
          component_verify_ticket: ticket.ticket,
        },
        signal,
      });
      const accessToken = answer.component_access_token;
      if (typeof accessToken !== 'string' || typeof answer.expires_in !== 'number') {
        throw new WechatUnexpectedResponseError(
          COMPONENT_PATHS.componentToken,
          'no component_access_token/expires_in',
        );
      }
      hooks.onTokenFetch?.({ appId: componentAppId, mode: 'component', outcome: 'success' });
      return { accessToken, lifetimeMs: answer.expires_in * 1000 };
    } catch (error) {
      if (!signal?.aborted) {
        hooks.onTokenFetch?.({
          appId: componentAppId,
          mode: 'component',
          outcome: 'error',
          errcode: error instanceof WechatApiError ? error.errcode : undefined,
        });
        this.logger.error(error instanceof Error ? error.message : 'component token fetch failed');
      }
      throw error;
    }
  }
}

/** The permission-set ids of api_query_auth's `func_info`. */
function funcIdsOf(funcInfo: unknown): number[] {
  if (!Array.isArray(funcInfo)) return [];
  return funcInfo
    .map((item) => (item as { funcscope_category?: { id?: unknown } })?.funcscope_category?.id)
    .filter((id): id is number => typeof id === 'number');
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
