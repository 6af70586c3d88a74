export * from './crypto';
export * from './events/on-wechat-component-event.decorator';
export * from './events/wechat-component-handler.error';
export * from './store';
export * from './wechat-component.service';
// Types only: Nest builds them; their types appear in public constructors.
export type {
  ComponentEventsExplorer,
  DiscoveredComponentEventHandler,
} from './events/component-events.explorer';
export type { ExchangedAuthorization, WechatComponentClient } from './wechat-component.client';
