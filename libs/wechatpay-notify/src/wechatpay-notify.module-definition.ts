import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WechatPayNotifyModuleExtras,
  WechatPayNotifyModuleOptions,
} from './interfaces/wechatpay-notify-module-options.interface';

export const {
  ConfigurableModuleClass: WechatPayNotifyConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: WECHATPAY_NOTIFY_MODULE_OPTIONS,
  OPTIONS_TYPE: WECHATPAY_NOTIFY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WECHATPAY_NOTIFY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WechatPayNotifyModuleOptions>({ moduleName: 'WechatPayNotify' })
  .setClassMethodName('forRoot')
  .setExtras<WechatPayNotifyModuleExtras>(
    // `path` is listed so that the builder keeps it out of WECHATPAY_NOTIFY_MODULE_OPTIONS.
    { isGlobal: false, path: undefined },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }),
  )
  .build();

/** `WechatPayNotifyModule.forRoot` argument: the options plus `isGlobal` and `path`. */
export type WechatPayNotifyModuleForRootOptions = typeof WECHATPAY_NOTIFY_OPTIONS_TYPE;

/**
 * `WechatPayNotifyModule.forRootAsync` argument (`useFactory`/`useClass`/`useExisting`, `inject`,
 * `imports`, `isGlobal`, `path`).
 */
export type WechatPayNotifyModuleAsyncOptions = typeof WECHATPAY_NOTIFY_ASYNC_OPTIONS_TYPE;
