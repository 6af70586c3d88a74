import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from '../capture-settings';
import { PaidUnionIdStore, type NewPayment, type Payment } from '../store';
import { InFlightLookups } from './in-flight-lookups';
import { describeError, LOOKUP_OWNER } from './lookup-owner';
import { PaymentLookupService } from './payment-lookup.service';

/**
 * Lookups running in this process. Every lookup is claimed with a lease first (so several
 * processes on one database never work on the same row) and runs here: the in-process
 * dispatcher's (at most `concurrency` at once), and the BullMQ worker's jobs.
 */
@Injectable()
export class LocalLookupPool implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LocalLookupPool.name);
  private readonly inFlight = new InFlightLookups();
  /** Claims on their way to the database: each holds its slots until it returns. */
  private readonly claims = new Set<Promise<void>>();
  private reserved = 0;
  private stopping?: Promise<void>;
  private slotFreed?: () => void;
  /** Counts the payments this pool left waiting in the database for want of a slot. */
  private leftWaiting = 0;
  /** `leftWaiting` when a scan last found fewer due payments than it had room for. */
  private drainedAt = 0;

  constructor(
    private readonly payments: PaidUnionIdStore,
    private readonly lookup: PaymentLookupService,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
    @Inject(LOOKUP_OWNER) private readonly owner: string,
  ) {}

  private get capacity(): number {
    return this.stopping ? 0 : this.settings.concurrency - this.inFlight.size - this.reserved;
  }

  /** `listener` runs each time a lookup of this pool ends (its slot is free again). */
  onSlotFreed(listener: () => void): void {
    this.slotFreed = listener;
  }

  /**
   * Whether payments this pool stored without a slot may still wait for one. Other due rows
   * (retries, other processes' leftovers) are the poller's: a scan when nothing is known to
   * wait would read every leased pending row for nothing.
   */
  get mayHaveWaiting(): boolean {
    return this.leftWaiting !== this.drainedAt;
  }

  /**
   * Claims `transactionId` and runs its lookup to the end (a BullMQ job): the one place a job
   * takes a row's lease. Resolves at once when the row is not claimable (settled, or leased).
   */
  async claimAndRun(transactionId: string): Promise<void> {
    if (this.stopping) return; // the row is untouched: the poller enqueues it again
    const payment = await this.payments.claimOne(
      transactionId,
      this.owner,
      Date.now(),
      this.lookup.leaseMs,
    );
    if (payment) await this.start(payment);
  }

  /**
   * Stores a new payment and, if there is room, starts its lookup: the row is inserted already
   * leased to this process (one write, no claim). Without room it is stored unleased and a
   * later scan picks it up. Resolves once the row is committed.
   *
   * @returns `true` when this call stored it, `false` for a duplicate.
   */
  async insertAndRun(payment: NewPayment): Promise<boolean> {
    if (this.capacity <= 0) {
      this.leftWaiting++;
      return this.payments.insertIfAbsent(payment);
    }
    let stored = false;
    await this.claimAndStart(1, async () => {
      const row = await this.payments.insertLeased(payment, this.owner, this.lookup.leaseMs);
      stored = row !== null;
      return row?.leaseOwner === this.owner ? [row] : [];
    });
    return stored;
  }

  /** Claims and starts one payment's lookup if there is room (the fast path). */
  runOne(transactionId: string): Promise<void> {
    if (this.capacity <= 0) {
      this.leftWaiting++;
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
    const waiting = this.leftWaiting;
    return this.claimAndStart(room, async () => {
      const claimed = await this.payments.claimDue(this.owner, now, this.lookup.leaseMs, room);
      // Nothing left waiting unless more were left while this scan ran.
      if (claimed.length < room) this.drainedAt = Math.max(this.drainedAt, waiting);
      return claimed;
    });
  }

  /**
   * Lets every started lookup finish: each ends within its lease (one slice, one HTTP timeout
   * and the writes after them), so none is handed back while it may still call WeChat. A lookup
   * still running after that keeps its lease until it runs out, never released early.
   */
  beforeApplicationShutdown(): Promise<void> {
    return (this.stopping ??= this.stop());
  }

  private async stop(): Promise<void> {
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
        this.stopping ? this.handBack(payments) : payments.forEach((p) => void this.start(p)),
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

  private start(payment: Payment): Promise<void> {
    return this.inFlight.track(
      payment.transactionId,
      this.lookup
        .run(payment, this.owner)
        .catch((error: unknown) =>
          this.logger.error(`Lookup of ${payment.transactionId} failed: ${describeError(error)}`),
        )
        .finally(() => this.slotFreed?.()),
    );
  }
}
