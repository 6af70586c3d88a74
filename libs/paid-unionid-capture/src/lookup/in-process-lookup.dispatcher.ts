import { Injectable, Logger } from '@nestjs/common';
import type { NewPayment } from '../store';
import { LocalLookupPool } from './local-lookup.pool';
import { describeError } from './lookup-owner';
import { LookupDispatcher } from './lookup.dispatcher';

/** Lookups without Redis: each runs in this process, right after its payment is stored. */
@Injectable()
export class InProcessLookupDispatcher extends LookupDispatcher {
  private readonly logger = new Logger(InProcessLookupDispatcher.name);

  constructor(private readonly pool: LocalLookupPool) {
    super();
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
}
