import { backoffDelay, untilNextMinute, worstCaseSendMs } from './backoff';

describe('backoffDelay', () => {
  it('doubles per retry between half and all of the ceiling, capped', () => {
    expect(backoffDelay(1, 200, 3000, () => 0)).toBe(100);
    expect(backoffDelay(1, 200, 3000, () => 1)).toBe(200);
    expect(backoffDelay(3, 200, 3000, () => 1)).toBe(800);
    expect(backoffDelay(10, 200, 3000, () => 0)).toBe(1500);
    expect(backoffDelay(10, 200, 3000, () => 1)).toBe(3000);
  });
});

describe('untilNextMinute', () => {
  it('waits until just past the next minute boundary', () => {
    expect(untilNextMinute(Date.UTC(2026, 0, 1, 0, 0, 59, 900))).toBe(150);
    expect(untilNextMinute(Date.UTC(2026, 0, 1, 0, 0, 0, 0))).toBe(60_050);
  });
});

describe('worstCaseSendMs', () => {
  it('adds every attempt timeout and every backoff ceiling', () => {
    // Defaults: 4 x 5 s, then backoffs of at most 200 + 400 + 800 ms.
    expect(worstCaseSendMs(5000, { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 })).toBe(
      21_400,
    );
    expect(worstCaseSendMs(1000, { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 1500 })).toBe(
      6000 + 500 + 1000 + 1500 + 1500 + 1500,
    );
    expect(worstCaseSendMs(300, { maxAttempts: 1, baseDelayMs: 200, maxDelayMs: 3000 })).toBe(300);
  });
});
