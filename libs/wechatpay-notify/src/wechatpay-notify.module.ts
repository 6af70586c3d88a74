import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { resolveWechatPayNotifySettings } from './options/wechatpay-notify-settings.resolver';
import { WechatPayEnvelopeParser } from './wechatpay-envelope.parser';
import { WechatPayMchIdChecker } from './wechatpay-mchid.checker';
import { WechatPayNotificationDispatcher } from './wechatpay-notification.dispatcher';
import { WechatPayNotificationService } from './wechatpay-notification.service';
import { WECHATPAY_NOTIFY_SETTINGS } from './wechatpay-notify.constants';
import { createWechatPayNotifyController } from './wechatpay-notify.controller';
import { WechatPayNotifyExplorer } from './wechatpay-notify.explorer';
import {
  WECHATPAY_NOTIFY_MODULE_OPTIONS,
  WechatPayNotifyConfigurableModuleClass,
} from './wechatpay-notify.module-definition';
import type {
  WechatPayNotifyModuleAsyncOptions,
  WechatPayNotifyModuleForRootOptions,
} from './wechatpay-notify.module-definition';
import { WechatPayResourceDecryptor } from './wechatpay-resource.decryptor';
import { WechatPaySignatureVerifier } from './wechatpay-signature.verifier';
import { WechatPayTransactionValidator } from './wechatpay-transaction.validator';

/** Adds the notify route when `path` is given. */
function withNotifyRoute(definition: DynamicModule, path: string | undefined): DynamicModule {
  if (path === undefined) return definition;
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), createWechatPayNotifyController(path)],
  };
}

/**
 * Verifies and decrypts WeChat Pay API v3 notifications and, with `path`, serves the notify
 * route itself:
 *
 * ```ts
 * WechatPayNotifyModule.forRoot({ mchId, apiV3Key, publicKeys: [{ id, pem }], path: 'wechatpay/notify' });
 * // main.ts: NestFactory.create(AppModule, { rawBody: true })   (Express or Fastify)
 *
 * @Injectable()
 * class Payments {
 *   @OnWechatPayNotification('TRANSACTION.SUCCESS')
 *   onPaid(notification: WechatPayTransactionNotification) { ... }
 * }
 * ```
 * Options are validated (and keys parsed) once, when the application boots.
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: WECHATPAY_NOTIFY_SETTINGS,
      useFactory: resolveWechatPayNotifySettings,
      inject: [WECHATPAY_NOTIFY_MODULE_OPTIONS],
    },
    WechatPaySignatureVerifier,
    WechatPayEnvelopeParser,
    WechatPayResourceDecryptor,
    WechatPayTransactionValidator,
    WechatPayMchIdChecker,
    WechatPayNotificationService,
    WechatPayNotifyExplorer,
    WechatPayNotificationDispatcher,
  ],
  exports: [
    WechatPayNotificationService,
    WechatPayNotificationDispatcher,
    WECHATPAY_NOTIFY_MODULE_OPTIONS,
  ],
})
export class WechatPayNotifyModule extends WechatPayNotifyConfigurableModuleClass {
  /**
   * Registers the module with options known now. With `path`, also serves `POST <path>`.
   * @throws WechatPayNotifyOptionsError when `path` is given but empty.
   */
  static override forRoot(options: WechatPayNotifyModuleForRootOptions): DynamicModule {
    return withNotifyRoute(super.forRoot(options), options.path);
  }

  /**
   * Registers the module with options built by a factory (e.g. from `ConfigService`). `path`
   * and `isGlobal` sit on this object itself, not in the factory's result.
   * @throws WechatPayNotifyOptionsError when `path` is given but empty.
   */
  static override forRootAsync(options: WechatPayNotifyModuleAsyncOptions): DynamicModule {
    return withNotifyRoute(super.forRootAsync(options), options.path);
  }
}
