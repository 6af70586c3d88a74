import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config';
import { PaymentsRepository, type Payment } from '../payments';
import { InFlightLookups } from './in-flight-lookups';
import { createLookupOwner, describeError } from './lookup-owner';
import { PaymentLookupService } from './payment-lookup.service';

/**
 * Lookups running in this process, at most `LOOKUP_CONCURRENCY` at once. Rows are claimed with
 * a lease first, so several processes on one database never work on the same row. Used by the
 * in-process runner, and by the BullMQ mode while Redis is unreachable.
 */
@Injectable()
export class LocalLookupPool implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LocalLookupPool.name);
  private readonly owner = createLookupOwner();
  private readonly inFlight = new InFlightLookups();
  /** Claims on their way to the database: each holds its slots until it returns. */
  private readonly claims = new Set<Promise<void>>();
  private reserved = 0;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly lookup: PaymentLookupService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  private get capacity(): number {
    return this.stopping ? 0 : this.config.lookup.concurrency - this.inFlight.size - this.reserved;
  }

  /** Claims and starts one payment's lookup if there is room (the fast path). */
  runOne(transactionId: string): Promise<void> {
    if (this.capacity <= 0) {
      return Promise.resolve(); // a later scan picks it up
    }
    return this.claimAndStart(1, async () => {
      const payment = await this.payments.claimOne(
        transactionId,
        this.owner,
        Date.now(),
        this.lookup.leaseMs,
      );
      return payment ? [payment] : [];
    });
  }

  /** Claims and starts due payments, as many as there is room for. */
  runDue(now: number): Promise<void> {
    const room = this.capacity;
    if (room <= 0) {
      return Promise.resolve();
    }
    return this.claimAndStart(room, () =>
      this.payments.claimDue(this.owner, now, this.lookup.leaseMs, room),
    );
  }

  /**
   * Lets every started lookup finish: each ends within its lease (one slice, one HTTP timeout
   * and the writes after them), so none is handed back while it may still call WeChat. A lookup
   * still running after that keeps its lease until it runs out, never released early.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.claims);
    if (this.inFlight.size === 0) {
      return;
    }
    this.logger.log(`Waiting for ${this.inFlight.size} in-flight lookup(s)`);
    if (!(await this.inFlight.settle(this.lookup.leaseMs))) {
      this.logger.warn(
        `${this.inFlight.size} lookup(s) still running at shutdown keep their lease until it runs out`,
      );
    }
  }

  /** Reserves `slots` while claiming, so concurrent claims never exceed the concurrency. */
  private claimAndStart(slots: number, claim: () => Promise<Payment[]>): Promise<void> {
    this.reserved += slots;
    const task = claim()
      .finally(() => (this.reserved -= slots))
      .then((payments) =>
        // Claimed after shutdown began: not started yet, so safe to hand back at once.
        this.stopping ? this.handBack(payments) : payments.forEach((p) => this.start(p)),
      )
      .finally(() => this.claims.delete(task));
    this.claims.add(task);
    return task;
  }

  private async handBack(payments: Payment[]): Promise<void> {
    for (const { transactionId } of payments) {
      await this.payments
        .releaseLease(transactionId, this.owner)
        .catch((error: unknown) =>
          this.logger.warn(`Handing back ${transactionId} failed: ${describeError(error)}`),
        );
    }
  }

  private start(payment: Payment): void {
    void this.inFlight.track(
      payment.transactionId,
      this.lookup
        .run(payment, this.owner)
        .catch((error: unknown) =>
          this.logger.error(`Lookup of ${payment.transactionId} failed: ${describeError(error)}`),
        ),
    );
  }
}
