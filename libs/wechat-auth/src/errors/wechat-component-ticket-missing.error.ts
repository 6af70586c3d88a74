import { componentTicketMissingMessage } from '../wechat-auth.messages';
import { WechatError } from './wechat.error';

/**
 * No component_verify_ticket is stored yet, so no component_access_token can be fetched. WeChat
 * pushes one every 10 minutes to the authorisation-event URL; retryable, since the next push
 * ends it.
 *
 * @publicApi
 */
export class WechatComponentTicketMissingError extends WechatError {
  constructor(readonly componentAppId: string) {
    super(componentTicketMissingMessage(componentAppId), { retryable: true });
  }
}
