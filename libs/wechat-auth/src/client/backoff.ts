/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Milliseconds until the next wall-clock minute starts (WeChat's per-minute quotas reset then). */
export function untilNextMinute(now: number): number {
  return 60_000 - (now % 60_000) + 50;
}
