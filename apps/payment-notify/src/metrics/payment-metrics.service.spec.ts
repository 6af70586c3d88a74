import { Logger } from '@nestjs/common';
import type { PaidUnionIdStore } from '@app/paid-unionid-capture';
import { PENDING_REFRESH_MS } from './metrics.constants';
import { PaymentMetrics } from './payment-metrics.service';
import { wechatAuthMetricsHooks } from './metrics.hooks';

/** A repository whose `countByStatus` answers `pending` (or fails) and counts its calls. */
function fakeRepository() {
  const state = { pending: 3, fail: false, calls: 0 };
  const repository = {
    countByStatus: async () => {
      state.calls += 1;
      if (state.fail) throw new Error('database down');
      return { pending: state.pending, resolved: 0, failed: 0 };
    },
  } as unknown as PaidUnionIdStore;
  return { state, repository };
}

/** `name{labels} value` lines of the app's own registry. */
async function samples(metrics: PaymentMetrics): Promise<string[]> {
  return (await metrics.registry.metrics()).split('\n').filter((line) => !line.startsWith('#'));
}

/** Metrics reading the pending count from `store`. */
function metricsWatching(store: PaidUnionIdStore): PaymentMetrics {
  const metrics = new PaymentMetrics();
  metrics.watchPending(store);
  return metrics;
}

describe('PaymentMetrics', () => {
  // The database failure below is logged at debug level; keep the test output clean.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));
  afterEach(() => jest.restoreAllMocks());

  it('reads the pending count when scraped, at most once per refresh interval', async () => {
    const { state, repository } = fakeRepository();
    const metrics = metricsWatching(repository);
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);

    expect(await samples(metrics)).toContain('payment_notify_pending_lookups 3');
    state.pending = 5;
    now += PENDING_REFRESH_MS - 1;
    expect(await samples(metrics)).toContain('payment_notify_pending_lookups 3');
    expect(state.calls).toBe(1);
    now += 1;
    expect(await samples(metrics)).toContain('payment_notify_pending_lookups 5');
    expect(state.calls).toBe(2);
  });

  it('keeps answering with the last pending count while the database fails', async () => {
    const { state, repository } = fakeRepository();
    const metrics = metricsWatching(repository);
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    await metrics.metrics();
    state.fail = true;
    now += PENDING_REFRESH_MS;
    expect(await samples(metrics)).toContain('payment_notify_pending_lookups 3');
    expect(state.calls).toBe(2);
  });

  it('counts into its own registry: two instances do not share values', async () => {
    const first = metricsWatching(fakeRepository().repository);
    const second = metricsWatching(fakeRepository().repository);
    first.notification('accepted');
    first.notification('rejected', 'bad-signature');
    first.lookup('failed', 40003);
    first.lookup('retry', null);
    first.paymentsMissedWindow('scan', 2);
    first.unionidStored(1_000, 4_000);

    const lines = await samples(first);
    expect(lines).toContain(
      'payment_notify_notifications_total{outcome="accepted",reason="none"} 1',
    );
    expect(lines).toContain(
      'payment_notify_notifications_total{outcome="rejected",reason="bad-signature"} 1',
    );
    expect(lines).toContain('payment_notify_lookups_total{outcome="failed",errcode="40003"} 1');
    expect(lines).toContain('payment_notify_lookups_total{outcome="retry",errcode="none"} 1');
    expect(lines).toContain('payment_notify_window_missed_total{stage="scan"} 2');
    expect(lines).toContain('payment_notify_notify_to_unionid_seconds_bucket{le="2.5"} 0');
    expect(lines).toContain('payment_notify_notify_to_unionid_seconds_bucket{le="5"} 1');
    expect(await samples(second)).toContain(
      'payment_notify_notifications_total{outcome="accepted",reason="none"} 0',
    );
  });

  it('counts what the WechatAuthModule hooks report', async () => {
    const metrics = metricsWatching(fakeRepository().repository);
    const hooks = wechatAuthMetricsHooks(metrics);
    hooks.onTokenFetch?.({ appId: 'wx1', mode: 'stable', outcome: 'error', errcode: 40125 });
    hooks.onApiAttempt?.({ path: '/wxa/getpaidunionid', outcome: 'http', status: 502 });
    hooks.onApiAttempt?.({ path: '/wxa/getpaidunionid', outcome: 'network' });

    const lines = await samples(metrics);
    expect(lines).toContain(
      'wechat_token_fetches_total{app="wx1",mode="stable",outcome="error"} 1',
    );
    expect(lines).toContain(
      'wechat_api_attempts_total{path="/wxa/getpaidunionid",outcome="http",code="502"} 1',
    );
    expect(lines).toContain(
      'wechat_api_attempts_total{path="/wxa/getpaidunionid",outcome="network",code="none"} 1',
    );
  });

  it('exposes Node process metrics next to its own', async () => {
    const text = await metricsWatching(fakeRepository().repository).metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^payment_notify_pending_lookups /m);
  });
});
