import { invalidQueryMessage } from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

/** The call's input is invalid; WeChat was not called. @publicApi */
export class WechatValidationError extends WechatError {
  constructor(readonly problems: string[]) {
    super(invalidQueryMessage(problems));
  }
}
