/**
 * The sandbox clock that drives token expiry and the 5-minute getpaidunionid window.
 * It only moves when told to.
 *
 * @publicApi
 */
export interface SandboxClock {
  /** Current sandbox time, epoch ms. */
  now(): number;
  /** Moves the clock forward by `ms` (must be >= 0). */
  advance(ms: number): void;
  /** Sets the clock to `epochMs`. */
  set(epochMs: number): void;
}
