import { componentStoreFailedMessage } from '../component/store/wechat-component-store.messages';
import { WechatError } from './wechat.error';

/** The `WechatComponentStore` method that failed. @publicApi */
export type WechatComponentStoreOperation =
  'getTicket' | 'saveTicket' | 'getAuthorizer' | 'saveAuthorizer';

/**
 * A `WechatComponentStore` could not read or write (its backend is down, timed out or refused
 * the command). Nothing was stored: answer WeChat's push with a failure so that it is sent
 * again. Always `retryable`.
 *
 * The message names the operation, the app ids and the backend's failure (a code or a short
 * message); never a ticket or a refresh token. The backend's own error is not kept as `cause`:
 * drivers attach the command's arguments (the secret) to their errors.
 *
 * @publicApi
 */
export class WechatComponentStoreError extends WechatError {
  /**
   * @param detail why it failed, without any secret
   * @param authorizerAppId the authoriser, for `getAuthorizer` / `saveAuthorizer`
   */
  constructor(
    readonly operation: WechatComponentStoreOperation,
    readonly componentAppId: string,
    detail: string,
    readonly authorizerAppId?: string,
  ) {
    super(componentStoreFailedMessage(operation, componentAppId, authorizerAppId, detail), {
      retryable: true,
    });
  }
}
