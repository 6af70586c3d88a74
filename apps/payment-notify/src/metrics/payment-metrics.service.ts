import type { ApiAttemptEvent, TokenFetchEvent } from '@app/wechat-auth';
import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PaidUnionIdStore } from '@app/paid-unionid-capture';
import {
  PENDING_REFRESH_MS,
  UNIONID_LATENCY_BUCKETS,
  type LookupOutcome,
  type NotificationOutcome,
  type WindowMissStage,
} from './metrics.constants';
import { processMetricsRegistry } from './process-metrics.registry';

/** Label value for "no reason" / "no errcode". */
const NONE = 'none';

/**
 * The app's Prometheus metrics, in a registry of its own (several instances may share a
 * process, e.g. in tests). Recording is a few hundred nanoseconds and never touches I/O; only
 * the pending-lookups gauge reads the database, when scraped.
 */
@Injectable()
export class PaymentMetrics {
  private readonly logger = new Logger(PaymentMetrics.name);
  readonly registry = new Registry();

  private readonly notifications = new Counter({
    name: 'payment_notify_notifications_total',
    help: 'Notifications received on POST /wechatpay/notify, by outcome and reason (rejections: why; ignored: other-event, not-success or other-app).',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly lookups = new Counter({
    name: 'payment_notify_lookups_total',
    help: 'getpaidunionid lookup slices by outcome (resolved, failed for good, retry later) and the last WeChat errcode (0 when resolved, none for transport errors).',
    labelNames: ['outcome', 'errcode'] as const,
    registers: [this.registry],
  });

  private readonly unionidLatency = new Histogram({
    name: 'payment_notify_notify_to_unionid_seconds',
    help: 'Time from storing a notification to storing its unionid.',
    buckets: [...UNIONID_LATENCY_BUCKETS],
    registers: [this.registry],
  });

  private readonly windowMissed = new Counter({
    name: 'payment_notify_window_missed_total',
    help: 'Payments failed because their 5-minute window closed without a unionid, by where it was noticed (lookup or scan).',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  private readonly tokenFetches = new Counter({
    name: 'wechat_token_fetches_total',
    help: 'Upstream access_token fetches by appid, token mode and outcome (success or error).',
    labelNames: ['app', 'mode', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly apiAttempts = new Counter({
    name: 'wechat_api_attempts_total',
    help: 'HTTP attempts against WeChat APIs by path, outcome (ok, errcode, http, network) and code (errcode or HTTP status).',
    labelNames: ['path', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  private pendingReadAt = 0;
  private pendingRead?: Promise<void>;
  private payments?: Pick<PaidUnionIdStore, 'countByStatus'>;

  constructor() {
    const pending: Gauge = new Gauge({
      name: 'payment_notify_pending_lookups',
      help: 'Payments stored whose lookup has not ended yet (status pending).',
      registers: [this.registry],
      collect: () => this.refreshPending(pending),
    });
    for (const outcome of ['accepted', 'duplicate'] as const) this.notification(outcome, NONE, 0);
    this.notification('ignored', 'other-event', 0);
    this.notification('ignored', 'not-success', 0);
    this.notification('ignored', 'other-app', 0);
    this.notification('error', 'internal', 0);
    this.lookups.inc({ outcome: 'resolved', errcode: '0' }, 0);
    this.windowMissed.inc({ stage: 'lookup' }, 0);
    this.windowMissed.inc({ stage: 'scan' }, 0);
  }

  /** Counts one notification; `reason` says why it was rejected or ignored. */
  notification(outcome: NotificationOutcome, reason: string = NONE, count = 1): void {
    this.notifications.inc({ outcome, reason }, count);
  }

  /** Counts one lookup slice; `errcode` is WeChat's last (`null`: none, e.g. a network error). */
  lookup(outcome: LookupOutcome, errcode: number | null): void {
    this.lookups.inc({ outcome, errcode: errcode === null ? NONE : String(errcode) });
  }

  /** Records a stored unionid: the time since its notification was stored. */
  unionidStored(notifiedAtMs: number, resolvedAtMs: number): void {
    this.unionidLatency.observe(Math.max(0, resolvedAtMs - notifiedAtMs) / 1000);
  }

  /** Counts payments failed because their window closed. */
  paymentsMissedWindow(stage: WindowMissStage, count = 1): void {
    if (count > 0) this.windowMissed.inc({ stage }, count);
  }

  /** `WechatAuthModule` hook: one upstream token fetch. */
  tokenFetch(event: TokenFetchEvent): void {
    this.tokenFetches.inc({ app: event.appId, mode: event.mode, outcome: event.outcome });
  }

  /** `WechatAuthModule` hook: one HTTP attempt against WeChat. */
  apiAttempt(event: ApiAttemptEvent): void {
    const code = event.errcode ?? event.status;
    this.apiAttempts.inc({
      path: event.path,
      outcome: event.outcome,
      code: code === undefined ? NONE : String(code),
    });
  }

  /** The Prometheus text exposition: Node's process metrics, then the app's. */
  async metrics(): Promise<string> {
    const [process, app] = await Promise.all([
      processMetricsRegistry().metrics(),
      this.registry.metrics(),
    ]);
    return `${process}\n${app}`;
  }

  /** Where `payment_notify_pending_lookups` is read from (the capture's store). */
  watchPending(store: Pick<PaidUnionIdStore, 'countByStatus'>): void {
    this.payments = store;
  }

  /** Reads the pending count at most every `PENDING_REFRESH_MS`, sharing a read in flight. */
  private refreshPending(gauge: Gauge): Promise<void> {
    if (!this.payments) return Promise.resolve();
    if (this.pendingRead) return this.pendingRead;
    if (Date.now() - this.pendingReadAt < PENDING_REFRESH_MS) return Promise.resolve();
    this.pendingRead = this.payments
      .countByStatus()
      .then(
        (counts) => {
          gauge.set(counts.pending);
          this.pendingReadAt = Date.now();
        },
        // The scrape still answers (with the last value); /health reports the database.
        (error: unknown) =>
          this.logger.debug(
            `Counting pending lookups failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      )
      .finally(() => (this.pendingRead = undefined));
    return this.pendingRead;
  }
}
