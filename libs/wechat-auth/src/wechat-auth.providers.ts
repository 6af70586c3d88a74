import { HttpService } from '@nestjs/axios';
import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import axios, { type AxiosInstance } from 'axios';
import { AccessTokenFetcher } from './access-token/access-token-fetcher';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { DefaultAccessTokenProvider } from './access-token/default-access-token.provider';
import { InMemoryAccessTokenStore } from './access-token/in-memory-access-token.store';
import { createUndiciAdapter } from './client/undici-axios.adapter';
import { WechatComponentMessageCrypto } from './component/crypto';
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
 * The library's own `HttpService` on its own axios instance, so it neither changes nor depends on
 * the app's `HttpModule`. Under axios sits an undici adapter (keep-alive pools per origin; the
 * proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`), far cheaper per call than axios' Node
 * adapter (README, Performance). `WechatTransport` destroys its pools at shutdown.
 */
export function createWechatHttpService(): Provider {
  return {
    provide: WECHAT_AUTH_HTTP_SERVICE,
    useFactory: (options: ResolvedWechatAuthOptions) => new HttpService(createWechatAxios(options)),
    inject: [WECHAT_AUTH_RESOLVED_OPTIONS],
  };
}

function createWechatAxios(options: ResolvedWechatAuthOptions): AxiosInstance {
  const instance = axios.create({
    // A connection attempt lasts no longer than the attempt it serves.
    adapter: createUndiciAdapter({
      connectTimeoutMs: options.timeoutMs,
      // The client reads the status and the body only.
      responseHeaders: ['content-type'],
    }),
    timeout: options.timeoutMs,
    // Redirects would re-send the token to another origin (the adapter follows none).
    maxRedirects: 0,
  });
  // axios merges its defaults into every request's config and walks every key of the result
  // several times per request: keep only what this client uses. `transitional` is validated
  // per request (its defaults apply when it is absent), the XSRF settings are for browsers,
  // `env` serves form data and the fetch adapter, the body limits are -1 (none, as when
  // absent), and the per-method header buckets are deep-merged per request although empty.
  const defaults: Partial<typeof instance.defaults> = instance.defaults;
  delete defaults.transitional;
  delete defaults.xsrfCookieName;
  delete defaults.xsrfHeaderName;
  delete defaults.env;
  delete defaults.maxContentLength;
  delete defaults.maxBodyLength;
  instance.defaults.headers = {
    common: { Accept: 'application/json, text/plain, */*' },
  } as unknown as typeof instance.defaults.headers;
  return instance;
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

/**
 * The push crypto of the third-party platform; `null` without `component` (nothing injects it
 * then: the route exists only with a platform, which the options check).
 */
export function createComponentMessageCrypto(): Provider {
  return {
    provide: WechatComponentMessageCrypto,
    useFactory: ({ component }: ResolvedWechatAuthOptions) =>
      component
        ? new WechatComponentMessageCrypto({
            componentAppId: component.componentAppId,
            token: component.token,
            encodingAesKey: component.encodingAesKey,
            previousEncodingAesKey: component.previousEncodingAesKey,
          })
        : null,
    inject: [WECHAT_AUTH_RESOLVED_OPTIONS],
  };
}
