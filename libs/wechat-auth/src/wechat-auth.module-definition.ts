import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WechatAuthModuleExtras,
  WechatAuthModuleOptions,
} from './interfaces/wechat-auth-module-options.interface';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WechatAuthModuleOptions>({ moduleName: 'WechatAuth' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWechatAuthOptions')
    .setExtras<WechatAuthModuleExtras>(
      // `componentEventsPath` is listed so that the builder keeps it out of the module options.
      { isGlobal: false, imports: [], componentEventsPath: undefined },
      (definition, extras) => ({
        ...definition,
        global: extras.isGlobal,
        // forRootAsync's own `imports` are already in `definition`; forRoot's arrive as an extra.
        imports: [...(definition.imports ?? []), ...(extras.imports ?? [])],
      }),
    )
    .build();
