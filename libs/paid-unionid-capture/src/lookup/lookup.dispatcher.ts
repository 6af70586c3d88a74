import type { NewPayment } from '../store';

/**
 * Where lookups run: in this process, or as BullMQ jobs shared by every instance. Chosen once
 * when the module starts. The database row is the source of truth: a lookup never started here
 * is still found by the poller.
 *
 * @publicApi
 */
export abstract class LookupDispatcher {
  /**
   * Stores a new payment durably and starts its lookup (never waits for it).
   * @returns `true` when this call stored it, `false` for a duplicate.
   */
  abstract insertAndDispatch(payment: NewPayment): Promise<boolean>;
  /** Starts a stored payment's lookup soon (never throws, never waits for it). */
  abstract dispatch(transactionId: string): void;
  /** Starts the lookups that are due (called by the poller). */
  abstract dispatchDue(now: number): Promise<void>;
}
