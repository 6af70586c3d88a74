import { Injectable, Logger } from '@nestjs/common';
import type { NewPayment } from '../store';
import { LocalLookupPool } from './local-lookup.pool';
import { describeError } from './lookup-owner';
import { LookupDispatcher } from './lookup.dispatcher';

/**
 * Lookups without Redis: each runs in this process, right after its payment is stored, or as
 * soon as a slot frees (payments stored while every slot was busy wait in the database).
 */
@Injectable()
export class InProcessLookupDispatcher extends LookupDispatcher {
  private readonly logger = new Logger(InProcessLookupDispatcher.name);
  private refillScheduled = false;

  constructor(private readonly pool: LocalLookupPool) {
    super();
    pool.onSlotFreed(() => this.refillSoon());
  }

  /** Stored already leased to this process when there is room (one write), else unleased. */
  insertAndDispatch(payment: NewPayment): Promise<boolean> {
    return this.pool.insertAndRun(payment);
  }

  dispatch(transactionId: string): void {
    this.pool
      .runOne(transactionId)
      .catch((error: unknown) =>
        this.logger.error(`Claiming ${transactionId} failed: ${describeError(error)}`),
      );
  }

  dispatchDue(now: number): Promise<void> {
    return this.pool.runDue(now);
  }

  /**
   * Fills the free slots with the payments left waiting for one, in the next turn: one claim
   * for every lookup that ended in this turn, instead of slots idle until the poller's next tick.
   */
  private refillSoon(): void {
    if (this.refillScheduled || !this.pool.mayHaveWaiting) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.pool
        .runDue(Date.now())
        .catch((error: unknown) =>
          this.logger.error(`Claiming due payments failed: ${describeError(error)}`),
        );
    });
  }
}
