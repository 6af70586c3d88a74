import type { SandboxFaultKind, SandboxFaults } from './interfaces';
import { createSeededRandom } from './seeded-random.util';

/**
 * Decides which getpaidunionid / token / third-party platform requests fail and how, and holds
 * requests back for `delayMs`, `hang` and `componentDelayMs`.
 */
export class FaultInjector {
  private faults: SandboxFaults = {};
  private readonly lookupQueue: SandboxFaultKind[] = [];
  private readonly tokenQueue: SandboxFaultKind[] = [];
  private readonly componentQueue: SandboxFaultKind[] = [];
  private readonly hangReleases = new Set<() => void>();
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = createSeededRandom(seed);
  }

  /** Replaces the standing faults (already checked); turning `hang` off releases held requests. */
  set(faults: SandboxFaults): void {
    this.faults = { ...faults };
    if (!this.faults.hang) {
      const releases = [...this.hangReleases];
      this.hangReleases.clear();
      for (const release of releases) release();
    }
  }

  current(): SandboxFaults {
    return { ...this.faults };
  }

  enqueueLookupFaults(kinds: readonly SandboxFaultKind[]): void {
    this.lookupQueue.push(...kinds);
  }

  enqueueTokenFaults(kinds: readonly SandboxFaultKind[]): void {
    this.tokenQueue.push(...kinds);
  }

  enqueueComponentFaults(kinds: readonly SandboxFaultKind[]): void {
    this.componentQueue.push(...kinds);
  }

  /**
   * Waits `delayMs`, then while `hang` is on. Resolves `false` when `stopSignal` aborts first
   * (the request must then not be answered).
   */
  async holdLookup(stopSignal: AbortSignal): Promise<boolean> {
    const delayMs = this.faults.delayMs ?? 0;
    if (delayMs > 0 && !(await sleep(delayMs, stopSignal))) return false;
    while (this.faults.hang) {
      if (!(await this.waitForHangRelease(stopSignal))) return false;
    }
    return !stopSignal.aborted;
  }

  /**
   * Waits `componentDelayMs` before a third-party platform answer. Resolves `false` when
   * `stopSignal` aborts first.
   */
  async holdComponent(stopSignal: AbortSignal): Promise<boolean> {
    const delayMs = this.faults.componentDelayMs ?? 0;
    if (delayMs > 0 && !(await sleep(delayMs, stopSignal))) return false;
    return !stopSignal.aborted;
  }

  /** The fault for this getpaidunionid call: the queue first, then one PRNG draw for the rates. */
  nextLookupFault(): SandboxFaultKind | undefined {
    const queued = this.lookupQueue.shift();
    if (queued !== undefined) return queued;
    const { busyRate = 0, http5xxRate = 0, resetRate = 0 } = this.faults;
    if (busyRate + http5xxRate + resetRate === 0) return undefined;
    const draw = this.random();
    if (draw < busyRate) return 'busy';
    if (draw < busyRate + http5xxRate) return 'http5xx';
    if (draw < busyRate + http5xxRate + resetRate) return 'reset';
    return undefined;
  }

  /** The fault for this token call: the queue first, then the standing `tokenError`. */
  nextTokenFault(): SandboxFaultKind | undefined {
    const queued = this.tokenQueue.shift();
    if (queued !== undefined) return queued;
    return this.faults.tokenError ? { ...this.faults.tokenError } : undefined;
  }

  /** The fault for this third-party platform call: the queue first, then `componentError`. */
  nextComponentFault(): SandboxFaultKind | undefined {
    const queued = this.componentQueue.shift();
    if (queued !== undefined) return queued;
    return this.faults.componentError ? { ...this.faults.componentError } : undefined;
  }

  private waitForHangRelease(stopSignal: AbortSignal): Promise<boolean> {
    if (stopSignal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onStop = (): void => {
        this.hangReleases.delete(release);
        resolve(false);
      };
      const release = (): void => {
        stopSignal.removeEventListener('abort', onStop);
        resolve(true);
      };
      this.hangReleases.add(release);
      stopSignal.addEventListener('abort', onStop, { once: true });
    });
  }
}

function sleep(ms: number, stopSignal: AbortSignal): Promise<boolean> {
  if (stopSignal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onStop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      stopSignal.removeEventListener('abort', onStop);
      resolve(true);
    }, ms);
    stopSignal.addEventListener('abort', onStop, { once: true });
  });
}
