/** @internal validated, normalised options */
export const WECHAT_AUTH_RESOLVED_OPTIONS = 'WECHAT_AUTH:RESOLVED_OPTIONS';
/** @internal the library's own HttpService (own axios instance and keep-alive agents) */
export const WECHAT_AUTH_HTTP_SERVICE = 'WECHAT_AUTH:HTTP_SERVICE';
/** @internal the AccessTokenStore in use */
export const WECHAT_AUTH_TOKEN_STORE = 'WECHAT_AUTH:TOKEN_STORE';
