import { backoffDelay, untilNextMinute } from './backoff';

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
