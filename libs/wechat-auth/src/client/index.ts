export * from './wechat-api.client';
// Types only: Nest builds the transport; its type appears in WechatApiClient's constructor.
export type { WechatRequest, WechatTransport } from './wechat-transport';
