import { Module } from '@nestjs/common';
import { AccessTokenFetcher } from './access-token/access-token-fetcher';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { WechatApiClient } from './client/wechat-api.client';
import { WechatTransport } from './client/wechat-transport';
import { PaidUnionIdService } from './paid-union-id.service';
import {
  createAccessTokenProvider,
  createAccessTokenStore,
  createResolvedOptionsProvider,
  createWechatHttpService,
} from './wechat-auth.providers';
import { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } from './wechat-auth.module-definition';

/**
 * Access tokens and `getpaidunionid` for one or more mini programs.
 * Import it once (`isGlobal: true`, or re-export it): every `forRoot` call is a new token cache.
 *
 * @publicApi
 */
@Module({
  providers: [
    createResolvedOptionsProvider(),
    createWechatHttpService(),
    createAccessTokenStore(),
    createAccessTokenProvider(),
    AccessTokenFetcher,
    WechatTransport,
    WechatApiClient,
    PaidUnionIdService,
  ],
  exports: [PaidUnionIdService, WechatApiClient, AccessTokenProvider, MODULE_OPTIONS_TOKEN],
})
export class WechatAuthModule extends ConfigurableModuleClass {}
