/** @internal metadata key of `@OnWechatComponentEvent()` */
export const WECHAT_COMPONENT_EVENT_METADATA = 'WECHAT_AUTH:COMPONENT_EVENT';

/** Handlers registered for this InfoType receive every event. */
export const ANY_COMPONENT_EVENT = '*';
