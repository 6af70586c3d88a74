import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectAppConfig, type AppConfig } from '../config';
import { PaymentsRepository, type Payment } from '../payments';
import { createLookupOwner, describeError } from './lookup-owner';
import { LookupScheduler } from './lookup.scheduler';
import { PaymentLookupService } from './payment-lookup.service';

/** How long shutdown waits for in-flight lookups before handing their rows back. */
const SHUTDOWN_GRACE_MS = 3000;

/**
 * Runs lookups in this process (no Redis): right after a payment is stored (fast path) and
 * from a scan of due rows (retries, rows left by a crash). Rows are claimed with a lease, so
 * several processes on one database never work on the same row.
 */
@Injectable()
export class InProcessLookupRunner
  extends LookupScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(InProcessLookupRunner.name);
  private readonly owner = createLookupOwner();
  private readonly inFlight = new Map<string, Promise<void>>();
  private scanTimer?: NodeJS.Timeout;
  private scanning = false;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly lookup: PaymentLookupService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.scheduleScan(0);
  }

  scheduleNow(transactionId: string): void {
    if (this.stopping || this.inFlight.size >= this.config.lookup.concurrency) {
      return; // the scan picks it up
    }
    void this.payments
      .claimOne(transactionId, this.owner, Date.now(), this.lookup.leaseMs)
      .then((payment) => payment && this.start(payment))
      .catch((error: unknown) =>
        this.logger.error(`Claiming ${transactionId} failed: ${describeError(error)}`),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.scanTimer);
    if (this.inFlight.size === 0) {
      return;
    }
    this.logger.log(`Waiting for ${this.inFlight.size} in-flight lookup(s)`);
    await Promise.race([Promise.allSettled(this.inFlight.values()), sleep(SHUTDOWN_GRACE_MS)]);
    for (const transactionId of this.inFlight.keys()) {
      await this.payments.releaseLease(transactionId, this.owner).catch(() => undefined);
    }
  }

  private scheduleScan(delayMs: number): void {
    if (!this.stopping) {
      clearTimeout(this.scanTimer);
      this.scanTimer = setTimeout(() => void this.scan(), delayMs);
    }
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
        const due = await this.payments.claimDue(this.owner, now, this.lookup.leaseMs, capacity);
        due.forEach((payment) => this.start(payment));
      }
    } catch (error) {
      this.logger.error(`Scanning for due lookups failed: ${describeError(error)}`);
    } finally {
      this.scanning = false;
      this.scheduleScan(this.config.lookup.pollMs);
    }
  }

  private start(payment: Payment): void {
    const run = this.lookup
      .run(payment, this.owner)
      .catch((error: unknown) =>
        this.logger.error(`Lookup of ${payment.transactionId} failed: ${describeError(error)}`),
      )
      .finally(() => this.inFlight.delete(payment.transactionId));
    this.inFlight.set(payment.transactionId, run);
  }
}
