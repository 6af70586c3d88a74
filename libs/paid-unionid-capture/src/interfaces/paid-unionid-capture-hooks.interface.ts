/** What `capture()` did with a payment. */
export type CaptureOutcome = 'stored' | 'duplicate' | 'ignored';

/** How a lookup slice ended. */
export type LookupOutcome = 'resolved' | 'failed' | 'retry';

/**
 * Optional counters for metrics, called synchronously. They must not throw.
 *
 * @publicApi
 */
export interface PaidUnionIdCaptureHooks {
  /** A payment offered to `capture()` (or by the notify route): `reason` says why it was ignored. */
  onCapture?(outcome: CaptureOutcome, reason?: 'not-success' | 'other-app'): void;
  /** A lookup slice ended (`errcode` 0 when resolved, `null` for transport failures). */
  onLookup?(outcome: LookupOutcome, errcode: number | null): void;
  /** A unionid was committed, `capturedAtMs` after the payment was stored. */
  onUnionidStored?(capturedAtMs: number, resolvedAtMs: number): void;
  /** Payments failed because their 5-minute window closed, noticed by a lookup or the scan. */
  onWindowMissed?(stage: 'lookup' | 'scan', count: number): void;
}
