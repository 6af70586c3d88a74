import {
  WechatApiError,
  WechatInvalidOpenidError,
  WechatInvalidTradeError,
  WechatOpenPlatformNotBoundError,
} from './wechat-api.error';
import {
  WechatAuthorizerRefreshTokenError,
  WechatAuthorizerRevokedError,
  WechatComponentApiError,
  WechatComponentPermissionError,
  WechatComponentTicketError,
} from './wechat-component-api.error';

const API_ERROR_CLASSES: Record<number, typeof WechatApiError> = {
  40003: WechatInvalidOpenidError,
  89002: WechatOpenPlatformNotBoundError,
  89300: WechatInvalidTradeError,
  61003: WechatAuthorizerRevokedError,
  61005: WechatComponentTicketError,
  61006: WechatComponentTicketError,
  61007: WechatComponentPermissionError,
  61011: WechatComponentApiError,
  61023: WechatAuthorizerRefreshTokenError,
};

/** Builds the most specific error class for `errcode`. */
export function createWechatApiError(
  errcode: number,
  errmsg: string,
  path: string,
): WechatApiError {
  const ErrorClass = API_ERROR_CLASSES[errcode] ?? WechatApiError;
  return new ErrorClass(errcode, errmsg, path);
}
