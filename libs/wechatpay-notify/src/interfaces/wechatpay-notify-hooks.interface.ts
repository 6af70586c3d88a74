import type { WechatPayNotifyErrorReason } from '../errors/wechatpay-notify.error';

/** The notification was verified and every handler for its event type succeeded: `204`. */
export interface WechatPayNotifyAcceptedEvent {
  outcome: 'accepted';
  /** `handled`: at least one handler ran; `unhandled`: none takes this event type. */
  reason: 'handled' | 'unhandled';
  eventType: string;
}

/** The notification was refused before any handler ran: `4xx`, WeChat Pay delivers it again. */
export interface WechatPayNotifyRejectedEvent {
  outcome: 'rejected';
  reason: WechatPayNotifyErrorReason;
  eventType?: undefined;
}

/** A handler (or the library itself) failed: `500`, WeChat Pay delivers it again. */
export interface WechatPayNotifyErrorEvent {
  outcome: 'error';
  /** `handler-failed`: a handler threw; `internal`: the library failed unexpectedly. */
  reason: 'handler-failed' | 'internal';
  /** Set once the notification was verified. */
  eventType?: string;
}

/** What the notify route did with one request. */
export type WechatPayNotifyOutcomeEvent =
  WechatPayNotifyAcceptedEvent | WechatPayNotifyRejectedEvent | WechatPayNotifyErrorEvent;

/**
 * Optional callbacks through which an app can count what the notify route does (e.g. into
 * Prometheus). They are called synchronously and must not throw (an exception is logged and
 * does not change the answer).
 *
 * @publicApi
 */
export interface WechatPayNotifyHooks {
  /** Called once per request to the module's notify route, just before it answers. */
  onOutcome?(event: WechatPayNotifyOutcomeEvent): void;
}
