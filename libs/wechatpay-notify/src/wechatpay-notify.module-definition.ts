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
  .setExtras<WechatPayNotifyModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** `WechatPayNotifyModule.forRoot` argument: the options plus `isGlobal`. */
export type WechatPayNotifyModuleForRootOptions = typeof WECHATPAY_NOTIFY_OPTIONS_TYPE;

/** `WechatPayNotifyModule.forRootAsync` argument (`useFactory`/`useClass`/`useExisting`, `inject`, `imports`, `isGlobal`). */
export type WechatPayNotifyModuleAsyncOptions = typeof WECHATPAY_NOTIFY_ASYNC_OPTIONS_TYPE;
