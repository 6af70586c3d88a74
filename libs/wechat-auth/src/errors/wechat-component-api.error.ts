import { WechatApiError } from './wechat-api.error';

/**
 * A third-party platform call failed with one of the platform's errcodes (61003, 61004, 61005,
 * 61006, 61007, 61011, 61023, 61024, ...); the message says what to check. The subclasses name
 * the cases an application acts on.
 *
 * @publicApi
 */
export class WechatComponentApiError extends WechatApiError {}

/**
 * `61003`: the mini program has not authorised the platform, or revoked it (also raised without
 * a call once the `unauthorized` event was received). Lookups for it stop until it authorises
 * again.
 *
 * @publicApi
 */
export class WechatAuthorizerRevokedError extends WechatComponentApiError {}

/** `61005`/`61006`: the stored component_verify_ticket is expired or invalid. @publicApi */
export class WechatComponentTicketError extends WechatComponentApiError {}

/** `61007`: the mini program did not grant the permission set this API needs (18 for getpaidunionid). @publicApi */
export class WechatComponentPermissionError extends WechatComponentApiError {}

/** `61023`: the authoriser's refresh token is invalid, even after reading the authoriser list again. @publicApi */
export class WechatAuthorizerRefreshTokenError extends WechatComponentApiError {}
