import type { PaidUnionIdCaptureHooks } from '@app/paid-unionid-capture';
import type { WechatAuthHooks } from '@app/wechat-auth';
import type { WechatPayNotifyHooks } from '@app/wechatpay-notify';
import type { PaymentMetrics } from './payment-metrics.service';

/** `WechatAuthModule` hooks that count token fetches and API attempts into `metrics`. */
export function wechatAuthMetricsHooks(metrics: PaymentMetrics): WechatAuthHooks {
  return {
    onTokenFetch: (event) => metrics.tokenFetch(event),
    onApiAttempt: (event) => metrics.apiAttempt(event),
  };
}

/**
 * `WechatPayNotifyModule` hooks: rejections and faults of the notify route, and notifications no
 * handler took (other event types). Captured payments are counted by the capture's hooks.
 */
export function wechatPayNotifyMetricsHooks(metrics: PaymentMetrics): WechatPayNotifyHooks {
  return {
    onOutcome: (event) => {
      if (event.outcome === 'rejected') metrics.notification('rejected', event.reason);
      else if (event.outcome === 'error') metrics.notification('error', 'internal');
      else if (event.reason === 'unhandled') metrics.notification('ignored', 'other-event');
    },
  };
}

/** `PaidUnionIdCaptureModule` hooks: what became of each payment and each lookup. */
export function captureMetricsHooks(metrics: PaymentMetrics): PaidUnionIdCaptureHooks {
  return {
    onCapture: (outcome, reason) =>
      outcome === 'stored'
        ? metrics.notification('accepted')
        : outcome === 'duplicate'
          ? metrics.notification('duplicate')
          : metrics.notification('ignored', reason),
    onLookup: (outcome, errcode) => metrics.lookup(outcome, errcode),
    onUnionidStored: (capturedAtMs, resolvedAtMs) =>
      metrics.unionidStored(capturedAtMs, resolvedAtMs),
    onWindowMissed: (stage, count) => metrics.paymentsMissedWindow(stage, count),
  };
}
