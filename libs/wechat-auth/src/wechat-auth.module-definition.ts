import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WechatAuthModuleOptions } from './interfaces/wechat-auth-module-options.interface';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WechatAuthModuleOptions>({ moduleName: 'WechatAuth' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWechatAuthOptions')
    .setExtras({ isGlobal: false }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();
