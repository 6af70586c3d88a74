import { Module } from '@nestjs/common';
import { resolveWechatPayNotifySettings } from './options/wechatpay-notify-settings.resolver';
import { WechatPayEnvelopeParser } from './wechatpay-envelope.parser';
import { WechatPayMchIdChecker } from './wechatpay-mchid.checker';
import { WechatPayNotificationService } from './wechatpay-notification.service';
import { WECHATPAY_NOTIFY_SETTINGS } from './wechatpay-notify.constants';
import {
  WECHATPAY_NOTIFY_MODULE_OPTIONS,
  WechatPayNotifyConfigurableModuleClass,
} from './wechatpay-notify.module-definition';
import { WechatPayResourceDecryptor } from './wechatpay-resource.decryptor';
import { WechatPaySignatureVerifier } from './wechatpay-signature.verifier';
import { WechatPayTransactionValidator } from './wechatpay-transaction.validator';

/**
 * Verifies and decrypts WeChat Pay API v3 notifications.
 *
 * ```ts
 * WechatPayNotifyModule.forRootAsync({
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ mchId: ..., apiV3Key: ..., publicKeys: [...] }),
 * });
 * ```
 * Options are validated (and keys parsed) once, when the application boots.
 */
@Module({
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
  ],
  exports: [WechatPayNotificationService, WECHATPAY_NOTIFY_MODULE_OPTIONS],
})
export class WechatPayNotifyModule extends WechatPayNotifyConfigurableModuleClass {}
