import { invalidOptionsMessage } from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

/** Bad module options (thrown at bootstrap) or a call naming an unconfigured app. @publicApi */
export class WechatAuthConfigError extends WechatError {
  constructor(
    readonly problems: string[],
    message = invalidOptionsMessage(problems),
  ) {
    super(message);
  }
}
