import { SandboxInputError } from './errors';
import type { SandboxClock } from './interfaces';

/** A clock that only moves when told to, so tests can cross token expiries and time windows. */
export class ManualSandboxClock implements SandboxClock {
  private current: number;
  private readonly listeners: Array<() => void> = [];

  constructor(startTime: number) {
    this.current = ManualSandboxClock.checkTime(startTime, 'startTime');
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new SandboxInputError('clock.advance(ms) needs a finite number >= 0');
    }
    this.current += ms;
    this.changed();
  }

  set(epochMs: number): void {
    this.current = ManualSandboxClock.checkTime(epochMs, 'clock.set(epochMs)');
    this.changed();
  }

  /** Internal: runs `listener` after every `advance` / `set` (the automatic ticket pushes). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private static checkTime(value: number, what: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SandboxInputError(`${what} needs a finite epoch ms number`);
    }
    return value;
  }
}
