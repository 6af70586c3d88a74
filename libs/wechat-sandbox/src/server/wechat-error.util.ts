import { randomBytes } from 'node:crypto';

/** The errmsg WeChat sends (before ` rid: ...`) for the codes the sandbox produces. */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001:
    'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  50002: 'user limited',
  61003: 'component is not authorized by this account',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61007: 'api is unauthorized to component',
  61009: 'code is invalid',
  61010: 'code is expired',
  61011: 'invalid component',
  61014: 'must use component token for component api',
  61023: 'refresh_token is invalid',
  61024: 'must use api(api_component_token) to get token for component acct',
  89002: 'open not exists',
  89300: 'invalid trade',
};

/** A WeChat error answer. */
export interface WechatErrorBody {
  errcode: number;
  errmsg: string;
}

/** A request id shaped like WeChat's: `<unix seconds hex>-<hex>-<hex>`. */
export function createRid(nowMs: number): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000))
    .toString(16)
    .padStart(8, '0');
  return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

/** Builds `{errcode, errmsg: '<message> rid: ...'}` like WeChat does. */
export function wechatError(errcode: number, nowMs: number, errmsg?: string): WechatErrorBody {
  const message = errmsg ?? WECHAT_ERRMSG[errcode] ?? 'sandbox injected error';
  return { errcode, errmsg: `${message} rid: ${createRid(nowMs)}` };
}
