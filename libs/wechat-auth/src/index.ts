export * from './access-token';
export * from './client';
export * from './component';
export * from './decorators';
export {
  AccessTokenRefreshError,
  ExternalTokenSourceError,
  WechatApiError,
  WechatAuthConfigError,
  WechatDeadlineExceededError,
  WechatError,
  WechatHttpError,
  WechatInvalidOpenidError,
  WechatInvalidTradeError,
  WechatNetworkError,
  WechatOpenPlatformNotBoundError,
  WechatUnexpectedResponseError,
  WechatValidationError,
  WechatComponentApiError,
  WechatAuthorizerRevokedError,
  WechatComponentTicketError,
  WechatComponentPermissionError,
  WechatAuthorizerRefreshTokenError,
  WechatComponentTicketMissingError,
  WechatComponentStoreError,
  WechatComponentMessageError,
  type WechatComponentMessageFailure,
  type WechatComponentStoreOperation,
  type AccessTokenRefreshFailure,
  type WechatErrorOptions,
} from './errors';
export * from './filters';
export * from './interfaces';
export * from './paid-union-id.service';
export * from './wechat-auth.constants';
export * from './wechat-auth.module';
export { isRemotePlainHttpUrl } from './validation/remote-plain-http-url';
