import { PaidUnionIdService, type PaidUnionIdQuery } from '@app/wechat-auth';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectAppConfig, type AppConfig } from '../config';
import { PAYMENT_WINDOW_EXPIRED_ERRMSG, PaymentsRepository, type Payment } from '../payments';
import { classifyLookupFailure } from './lookup-outcome';
import { LookupScheduler } from './lookup.scheduler';

/** Extra lease time beyond one slice and one HTTP timeout, for the database writes after it. */
const LEASE_SLACK_MS = 5000;
/** How long shutdown waits for in-flight lookups before handing their rows back. */
const SHUTDOWN_GRACE_MS = 3000;
/** Pause before a row whose slice ended in a transient failure is tried again. */
const RETRY_PAUSE_MS = 1000;

/**
 * Runs lookups in this process: right after a payment is stored (fast path) and from a scan of
 * due rows (retries, rows another process dropped, rows left by a crash). A row is claimed with
 * a lease, so one runner at a time owns it; a claim calls WeChat for at most one slice and then
 * resolves, fails or reschedules the row, so a crashed owner's lease runs out quickly.
 */
@Injectable()
export class LookupRunner
  extends LookupScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(LookupRunner.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private scanTimer?: NodeJS.Timeout;
  private scanning = false;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly paidUnionId: PaidUnionIdService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {
    super();
    this.leaseMs = config.lookup.sliceMs + config.wechat.timeoutMs + LEASE_SLACK_MS;
  }

  onApplicationBootstrap(): void {
    this.scheduleScan(0);
  }

  scheduleNow(transactionId: string): void {
    if (this.stopping || this.inFlight.size >= this.config.lookup.concurrency) {
      return; // the scan picks it up
    }
    void this.payments
      .claimOne(transactionId, this.owner, Date.now(), this.leaseMs)
      .then((payment) => payment && this.start(payment))
      .catch((error: unknown) =>
        this.logger.error(`Claiming ${transactionId} failed: ${describe(error)}`),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.scanTimer);
    if (this.inFlight.size === 0) {
      return;
    }
    this.logger.log(`Waiting for ${this.inFlight.size} in-flight lookup(s)`);
    const settled = Promise.allSettled(this.inFlight.values());
    await Promise.race([settled, sleep(SHUTDOWN_GRACE_MS)]);
    for (const transactionId of this.inFlight.keys()) {
      await this.payments.releaseLease(transactionId, this.owner).catch(() => undefined);
    }
  }

  private scheduleScan(delayMs: number): void {
    if (this.stopping) {
      return;
    }
    clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => void this.scan(), delayMs);
  }

  private async scan(): Promise<void> {
    if (this.scanning) {
      return;
    }
    this.scanning = true;
    try {
      const now = Date.now();
      const expired = await this.payments.expireOverdue(now);
      if (expired > 0) {
        this.logger.warn(`${expired} payment(s) passed their 5-minute window without a unionid`);
      }
      const capacity = this.config.lookup.concurrency - this.inFlight.size;
      if (capacity > 0 && !this.stopping) {
        const due = await this.payments.claimDue(this.owner, now, this.leaseMs, capacity);
        due.forEach((payment) => this.start(payment));
      }
    } catch (error) {
      this.logger.error(`Scanning for due lookups failed: ${describe(error)}`);
    } finally {
      this.scanning = false;
      this.scheduleScan(this.config.lookup.pollMs);
    }
  }

  private start(payment: Payment): void {
    const run = this.lookup(payment)
      .catch((error: unknown) =>
        this.logger.error(`Lookup of ${payment.transactionId} failed: ${describe(error)}`),
      )
      .finally(() => this.inFlight.delete(payment.transactionId));
    this.inFlight.set(payment.transactionId, run);
  }

  private async lookup(payment: Payment): Promise<void> {
    const { transactionId } = payment;
    const started = Date.now();
    if (started >= payment.deadlineMs) {
      await this.payments.markFailed(
        transactionId,
        this.owner,
        payment.lastErrcode,
        PAYMENT_WINDOW_EXPIRED_ERRMSG,
        started,
      );
      return;
    }
    const deadline = Math.min(payment.deadlineMs, started + this.config.lookup.sliceMs);
    try {
      const unionid = await this.paidUnionId.getPaidUnionId(this.queryFor(payment), { deadline });
      await this.payments.markResolved(transactionId, this.owner, unionid, Date.now());
      return;
    } catch (error) {
      const failure = classifyLookupFailure(error);
      const now = Date.now();
      const errcode = failure.errcode ?? payment.lastErrcode;
      if (failure.kind === 'terminal') {
        this.logger.warn(`Lookup of ${transactionId} failed for good: errcode ${errcode}`);
        await this.payments.markFailed(transactionId, this.owner, errcode, failure.errmsg, now);
      } else if (now + RETRY_PAUSE_MS >= payment.deadlineMs) {
        await this.payments.markFailed(
          transactionId,
          this.owner,
          errcode,
          `${PAYMENT_WINDOW_EXPIRED_ERRMSG} (last error: ${failure.errmsg})`,
          now,
        );
      } else {
        await this.payments.scheduleRetry(
          transactionId,
          this.owner,
          now + RETRY_PAUSE_MS,
          errcode,
          failure.errmsg,
          now,
        );
      }
    }
  }

  private queryFor(payment: Payment): PaidUnionIdQuery {
    return this.config.lookup.selector === 'out_trade_no'
      ? { openid: payment.openid, mchId: payment.mchId, outTradeNo: payment.outTradeNo }
      : { openid: payment.openid, transactionId: payment.transactionId };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
