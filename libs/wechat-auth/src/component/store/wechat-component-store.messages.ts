/**
 * Message texts of the component stores' errors and logs. None of them may include a secret (a
 * ticket or a refresh token): only app ids, the operation and the backend's own failure (a code or
 * a short message, with credentials removed).
 */

/** What a component store failed to do, for a `WechatComponentStoreError` message. */
export const componentStoreFailedMessage = (
  operation: string,
  componentAppId: string,
  authorizerAppId: string | undefined,
  detail: string,
): string =>
  `WechatComponentStore.${operation} failed for componentAppId ${componentAppId}` +
  `${authorizerAppId === undefined ? '' : `, authorizerAppId ${authorizerAppId}`}: ${detail}`;

export const redisComponentStoreUnavailableMessage = (reason: string): string =>
  `Redis is unavailable (${reason}): component tickets and refresh tokens can be neither read ` +
  'nor saved until it answers again (pushes are answered with a failure, so WeChat sends them again)';

export const redisComponentStoreAvailableMessage =
  'Redis answers again: component tickets and refresh tokens are stored again';
