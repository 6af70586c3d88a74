import { PaidUnionIdService, type PaidUnionIdQuery } from '@app/wechat-auth';
import { Injectable, Logger } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config';
import { PaymentMetrics } from '../metrics';
import { PAYMENT_WINDOW_EXPIRED_ERRMSG, PaymentsRepository, type Payment } from '../payments';
import { classifyLookupFailure } from './lookup-outcome';

/** Extra lease time beyond one slice and one HTTP timeout, for the database writes after it. */
const LEASE_SLACK_MS = 5000;
/** Pause before a row whose slice ended in a transient failure is tried again. */
const RETRY_PAUSE_MS = 1000;

/**
 * One lookup of a payment this worker holds the lease of: calls WeChat for at most one slice
 * (never past the payment's deadline) and records the outcome: resolved, failed, or due again.
 * Shared by the in-process runner and the BullMQ worker.
 */
@Injectable()
export class PaymentLookupService {
  private readonly logger = new Logger(PaymentLookupService.name);
  /** How long a claim is held: one slice, one HTTP timeout and the writes after them. */
  readonly leaseMs: number;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly paidUnionId: PaidUnionIdService,
    @InjectAppConfig() private readonly config: AppConfig,
    private readonly metrics: PaymentMetrics,
  ) {
    this.leaseMs = config.lookup.sliceMs + config.wechat.timeoutMs + LEASE_SLACK_MS;
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
      if (failed) this.metrics.paymentsMissedWindow('lookup');
      return;
    }
    const deadline = Math.min(payment.deadlineMs, started + this.config.lookup.sliceMs);
    let unionid: string;
    try {
      unionid = await this.paidUnionId.getPaidUnionId(this.queryFor(payment), { deadline });
    } catch (error) {
      await this.recordFailure(payment, owner, error);
      return;
    }
    this.metrics.lookup('resolved', 0);
    const resolvedAt = Date.now();
    if (await this.payments.markResolved(transactionId, owner, unionid, resolvedAt)) {
      this.metrics.unionidStored(payment.createdAtMs, resolvedAt);
    }
  }

  private async recordFailure(payment: Payment, owner: string, error: unknown): Promise<void> {
    const { transactionId } = payment;
    const failure = classifyLookupFailure(error);
    const now = Date.now();
    const errcode = failure.errcode ?? payment.lastErrcode;
    if (failure.kind === 'terminal') {
      this.logger.warn(`Lookup of ${transactionId} failed for good: errcode ${errcode}`);
      this.metrics.lookup('failed', failure.errcode);
      await this.payments.markFailed(transactionId, owner, errcode, failure.errmsg, now);
    } else if (now + RETRY_PAUSE_MS >= payment.deadlineMs) {
      this.logger.warn(`Lookup of ${transactionId} ran out of its 5-minute window`);
      this.metrics.lookup('failed', failure.errcode);
      const errmsg = `${PAYMENT_WINDOW_EXPIRED_ERRMSG} (last error: ${failure.errmsg})`;
      if (await this.payments.markFailed(transactionId, owner, errcode, errmsg, now)) {
        this.metrics.paymentsMissedWindow('lookup');
      }
    } else {
      this.metrics.lookup('retry', failure.errcode);
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

  private queryFor(payment: Payment): PaidUnionIdQuery {
    return this.config.lookup.selector === 'out_trade_no'
      ? { openid: payment.openid, mchId: payment.mchId, outTradeNo: payment.outTradeNo }
      : { openid: payment.openid, transactionId: payment.transactionId };
  }
}
