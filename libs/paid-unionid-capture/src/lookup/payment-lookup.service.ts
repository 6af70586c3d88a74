import { PaidUnionIdService, type PaidUnionIdQuery } from '@app/wechat-auth';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from '../capture-settings';
import { CaptureEventsDeliverer } from '../events/capture-events.deliverer';
import { PAYMENT_WINDOW_EXPIRED_ERRMSG, RETRY_PAUSE_MS } from '../paid-unionid-capture.constants';
import { PaidUnionIdStore, type Payment } from '../store';
import { classifyLookupFailure } from './lookup-outcome';

/**
 * One lookup of a payment this worker holds the lease of: calls WeChat for at most one slice
 * (never past the payment's deadline) and records the outcome: resolved, failed, or due again.
 * Shared by the in-process runner and the BullMQ worker.
 */
@Injectable()
export class PaymentLookupService {
  private readonly logger = new Logger(PaymentLookupService.name);

  constructor(
    private readonly payments: PaidUnionIdStore,
    private readonly paidUnionId: PaidUnionIdService,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
    private readonly events: CaptureEventsDeliverer,
  ) {}

  /** How long a claim is held: one slice, one HTTP timeout and the writes after them. */
  get leaseMs(): number {
    return this.settings.leaseMs;
  }

  async run(payment: Payment, owner: string): Promise<void> {
    const { transactionId } = payment;
    const started = Date.now();
    if (started >= payment.deadlineMs) {
      const failed = await this.payments.markFailed(
        transactionId,
        owner,
        payment.lastErrcode,
        PAYMENT_WINDOW_EXPIRED_ERRMSG,
        started,
      );
      if (failed) this.missedWindow();
      return;
    }
    const deadline = Math.min(payment.deadlineMs, started + this.settings.sliceMs);
    let unionid: string;
    try {
      unionid = await this.paidUnionId.getPaidUnionId(this.queryFor(payment), { deadline });
    } catch (error) {
      await this.recordFailure(payment, owner, error);
      return;
    }
    this.settings.hooks.onLookup?.('resolved', 0);
    const resolvedAt = Date.now();
    if (await this.payments.markResolved(transactionId, owner, unionid, resolvedAt)) {
      this.settings.hooks.onUnionidStored?.(payment.createdAtMs, resolvedAt);
      void this.events.deliverDue();
    }
  }

  private async recordFailure(payment: Payment, owner: string, error: unknown): Promise<void> {
    const { transactionId } = payment;
    const failure = classifyLookupFailure(error);
    const now = Date.now();
    const errcode = failure.errcode ?? payment.lastErrcode;
    if (failure.kind === 'terminal') {
      this.logger.warn(`Lookup of ${transactionId} failed for good: errcode ${errcode}`);
      this.settings.hooks.onLookup?.('failed', failure.errcode);
      if (await this.payments.markFailed(transactionId, owner, errcode, failure.errmsg, now)) {
        void this.events.deliverDue();
      }
    } else if (now + RETRY_PAUSE_MS >= payment.deadlineMs) {
      this.logger.warn(`Lookup of ${transactionId} ran out of its 5-minute window`);
      this.settings.hooks.onLookup?.('failed', failure.errcode);
      const errmsg = `${PAYMENT_WINDOW_EXPIRED_ERRMSG} (last error: ${failure.errmsg})`;
      if (await this.payments.markFailed(transactionId, owner, errcode, errmsg, now)) {
        this.missedWindow();
      }
    } else {
      this.settings.hooks.onLookup?.('retry', failure.errcode);
      await this.payments.scheduleRetry(
        transactionId,
        owner,
        now + RETRY_PAUSE_MS,
        errcode,
        failure.errmsg,
        now,
      );
    }
  }

  private missedWindow(): void {
    this.settings.hooks.onWindowMissed?.('lookup', 1);
    void this.events.deliverDue();
  }

  private queryFor(payment: Payment): PaidUnionIdQuery {
    const { lookupAppIds } = this.settings;
    const { openid } = payment;
    // Without a named app, the client's default app looks the payment up.
    const appId =
      lookupAppIds === 'all' || lookupAppIds.has(payment.appId) ? payment.appId : undefined;
    return this.settings.selector === 'out_trade_no'
      ? { openid, appId, mchId: payment.mchId, outTradeNo: payment.outTradeNo }
      : { openid, appId, transactionId: payment.transactionId };
  }
}
