import type { WechatAuthHooks } from '@app/wechat-auth';
import type { PaymentMetrics } from './payment-metrics.service';

/** `WechatAuthModule` hooks that count token fetches and API attempts into `metrics`. */
export function wechatAuthMetricsHooks(metrics: PaymentMetrics): WechatAuthHooks {
  return {
    onTokenFetch: (event) => metrics.tokenFetch(event),
    onApiAttempt: (event) => metrics.apiAttempt(event),
  };
}
