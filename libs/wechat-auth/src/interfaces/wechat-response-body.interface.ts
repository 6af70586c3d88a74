/**
 * A WeChat API answer whose `errcode` is 0 or absent, as `WechatApiClient` resolves it: the JSON
 * object as WeChat sent it.
 *
 * @publicApi
 */
export interface WechatResponseBody {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}
