import { HttpService } from '@nestjs/axios';
import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import axios from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AccessTokenFetcher } from './access-token/access-token-fetcher';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { DefaultAccessTokenProvider } from './access-token/default-access-token.provider';
import { InMemoryAccessTokenStore } from './access-token/in-memory-access-token.store';
import type { AccessTokenStore } from './interfaces/access-token-store.interface';
import type { ResolvedWechatAuthOptions } from './interfaces/resolved-options.interface';
import type { WechatAuthModuleOptions } from './interfaces/wechat-auth-module-options.interface';
import {
  WECHAT_AUTH_HTTP_SERVICE,
  WECHAT_AUTH_RESOLVED_OPTIONS,
  WECHAT_AUTH_TOKEN_STORE,
} from './wechat-auth.internal-constants';
import { MODULE_OPTIONS_TOKEN } from './wechat-auth.module-definition';
import { resolveWechatAuthOptions } from './validation/resolve-wechat-auth-options';

/** Validates the options once, at bootstrap. */
export function createResolvedOptionsProvider(): Provider {
  return {
    provide: WECHAT_AUTH_RESOLVED_OPTIONS,
    useFactory: resolveWechatAuthOptions,
    inject: [MODULE_OPTIONS_TOKEN],
  };
}

/**
 * The library's own `HttpService` on its own axios instance with keep-alive agents, so it
 * neither changes nor depends on the app's `HttpModule`.
 */
export function createWechatHttpService(): Provider {
  return {
    provide: WECHAT_AUTH_HTTP_SERVICE,
    useFactory: (options: ResolvedWechatAuthOptions) =>
      new HttpService(
        axios.create({
          timeout: options.timeoutMs,
          httpAgent: new HttpAgent({ keepAlive: true }),
          httpsAgent: new HttpsAgent({ keepAlive: true }),
          // Redirects would re-send the token to another origin.
          maxRedirects: 0,
          // No proxy lookup in the environment on every request (measurable per call).
          proxy: false,
        }),
      ),
    inject: [WECHAT_AUTH_RESOLVED_OPTIONS],
  };
}

export function createAccessTokenStore(): Provider {
  return {
    provide: WECHAT_AUTH_TOKEN_STORE,
    useFactory: (options: ResolvedWechatAuthOptions): AccessTokenStore =>
      options.tokenStore ?? new InMemoryAccessTokenStore(),
    inject: [WECHAT_AUTH_RESOLVED_OPTIONS],
  };
}

/** The built-in provider, or the class given as `accessTokenProvider`, built with Nest DI. */
export function createAccessTokenProvider(): Provider {
  return {
    provide: AccessTokenProvider,
    useFactory: async (
      raw: WechatAuthModuleOptions,
      moduleRef: ModuleRef,
      options: ResolvedWechatAuthOptions,
      store: AccessTokenStore,
      fetcher: AccessTokenFetcher,
    ): Promise<AccessTokenProvider> =>
      raw.accessTokenProvider
        ? moduleRef.create(raw.accessTokenProvider)
        : new DefaultAccessTokenProvider(options, store, fetcher),
    inject: [
      MODULE_OPTIONS_TOKEN,
      ModuleRef,
      WECHAT_AUTH_RESOLVED_OPTIONS,
      WECHAT_AUTH_TOKEN_STORE,
      AccessTokenFetcher,
    ],
  };
}
