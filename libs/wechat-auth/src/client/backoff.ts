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

/**
 * The longest `WechatTransport.send` without a deadline can take: every attempt runs into its
 * timeout and every backoff delay is at its ceiling (no minute waits without a deadline).
 */
export function worstCaseSendMs(
  timeoutMs: number,
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number },
): number {
  let total = retry.maxAttempts * timeoutMs;
  for (let retryNo = 1; retryNo < retry.maxAttempts; retryNo++) {
    total += Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (retryNo - 1));
  }
  return total;
}
