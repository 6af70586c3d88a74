/**
 * Starts a stored payment's lookup soon. The database row is the source of truth: a lookup that
 * is never started here is still found by the runner's scan.
 */
export abstract class LookupScheduler {
  abstract scheduleNow(transactionId: string): void;
}
