import { Inject } from '@nestjs/common';
import { WECHAT_AUTH_MODULE_OPTIONS } from '../wechat-auth.constants';

/** Injects the options given to `WechatAuthModule.forRoot*`. @publicApi */
export const InjectWechatAuthOptions = (): ParameterDecorator => Inject(WECHAT_AUTH_MODULE_OPTIONS);
