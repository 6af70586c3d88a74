import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectAppConfig, type AppConfig } from '../config';
import { PaymentsRepository, type Payment } from '../payments';
import { createLookupOwner, describeError } from './lookup-owner';
import { PaymentLookupService } from './payment-lookup.service';

/** How long shutdown waits for in-flight lookups before handing their rows back. */
const SHUTDOWN_GRACE_MS = 3000;

/**
 * Lookups running in this process, at most `LOOKUP_CONCURRENCY` at once. Rows are claimed with
 * a lease first, so several processes on one database never work on the same row. Used by the
 * in-process runner, and by the BullMQ mode while Redis is unreachable.
 */
@Injectable()
export class LocalLookupPool implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LocalLookupPool.name);
  private readonly owner = createLookupOwner();
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly lookup: PaymentLookupService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  private get capacity(): number {
    return this.stopping ? 0 : this.config.lookup.concurrency - this.inFlight.size;
  }

  /** Claims and starts one payment's lookup if there is room (the fast path). */
  async runOne(transactionId: string): Promise<void> {
    if (this.capacity <= 0) {
      return; // a later scan picks it up
    }
    const payment = await this.payments.claimOne(
      transactionId,
      this.owner,
      Date.now(),
      this.lookup.leaseMs,
    );
    if (payment) {
      this.start(payment);
    }
  }

  /** Claims and starts due payments, as many as there is room for. */
  async runDue(now: number): Promise<void> {
    if (this.capacity > 0) {
      const due = await this.payments.claimDue(this.owner, now, this.lookup.leaseMs, this.capacity);
      due.forEach((payment) => this.start(payment));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size === 0) {
      return;
    }
    this.logger.log(`Waiting for ${this.inFlight.size} in-flight lookup(s)`);
    await Promise.race([Promise.allSettled(this.inFlight.values()), sleep(SHUTDOWN_GRACE_MS)]);
    for (const transactionId of this.inFlight.keys()) {
      await this.payments.releaseLease(transactionId, this.owner).catch(() => undefined);
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
