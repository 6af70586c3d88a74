import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AccessTokenFetcher } from './access-token/access-token-fetcher';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { WechatApiClient } from './client/wechat-api.client';
import { WechatTransport } from './client/wechat-transport';
import { WechatComponentMessageCrypto } from './component/crypto';
import { createComponentEventsController } from './component/events/component-events.controller';
import { ComponentEventsExplorer } from './component/events/component-events.explorer';
import { WechatComponentClient } from './component/wechat-component.client';
import { WechatComponentService } from './component/wechat-component.service';
import { PaidUnionIdService } from './paid-union-id.service';
import {
  createAccessTokenProvider,
  createAccessTokenStore,
  createComponentMessageCrypto,
  createResolvedOptionsProvider,
  createWechatHttpService,
} from './wechat-auth.providers';
import type {
  WechatAuthModuleAsyncOptions,
  WechatAuthModuleExtras,
  WechatAuthModuleOptions,
} from './interfaces/wechat-auth-module-options.interface';
import { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } from './wechat-auth.module-definition';

/** Adds the authorisation-event route when `componentEventsPath` is given. */
function withComponentEventsRoute(definition: DynamicModule, path: unknown): DynamicModule {
  if (path === undefined) return definition;
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), createComponentEventsController(path)],
  };
}

/**
 * Access tokens and `getpaidunionid` for one or more mini programs, or for the mini programs that
 * authorised a third-party platform (`component`).
 * Import it once (`isGlobal: true`, or re-export it): every `forRoot` call is a new token cache.
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    createResolvedOptionsProvider(),
    createWechatHttpService(),
    createAccessTokenStore(),
    createAccessTokenProvider(),
    createComponentMessageCrypto(),
    AccessTokenFetcher,
    WechatTransport,
    WechatApiClient,
    PaidUnionIdService,
    WechatComponentClient,
    WechatComponentService,
    ComponentEventsExplorer,
  ],
  exports: [
    PaidUnionIdService,
    WechatApiClient,
    AccessTokenProvider,
    WechatComponentService,
    WechatComponentMessageCrypto,
    MODULE_OPTIONS_TOKEN,
  ],
})
export class WechatAuthModule extends ConfigurableModuleClass {
  /**
   * Registers the module with options known now; with `componentEventsPath`, also serves the
   * third-party platform's authorisation-event URL.
   * @throws WechatAuthConfigError when `componentEventsPath` is given but empty
   */
  static override forRoot(
    options: WechatAuthModuleOptions & WechatAuthModuleExtras,
  ): DynamicModule {
    return withComponentEventsRoute(super.forRoot(options), options.componentEventsPath);
  }

  /**
   * Registers the module with options built by a factory (e.g. from `ConfigService`);
   * `isGlobal`, `componentEventsPath` sit on this object itself, not in the factory's result.
   * @throws WechatAuthConfigError when `componentEventsPath` is given but empty
   */
  static override forRootAsync(options: WechatAuthModuleAsyncOptions): DynamicModule {
    return withComponentEventsRoute(super.forRootAsync(options), options.componentEventsPath);
  }
}
