import { Inject } from '@nestjs/common';
import { WECHATPAY_NOTIFY_MODULE_OPTIONS } from '../wechatpay-notify.module-definition';

/** Injects the raw `WechatPayNotifyModuleOptions` given to `forRoot`/`forRootAsync`. */
export const InjectWechatPayNotifyOptions = (): ParameterDecorator & PropertyDecorator =>
  Inject(WECHATPAY_NOTIFY_MODULE_OPTIONS);
