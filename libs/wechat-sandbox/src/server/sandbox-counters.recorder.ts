import type { SandboxCounters } from './interfaces';

/** The counters of the third-party platform endpoints and pushes. */
export type ComponentCounter =
  | 'componentTokenFetches'
  | 'preAuthCodes'
  | 'queryAuth'
  | 'authorizerTokenFetches'
  | 'authorizerListCalls'
  | 'componentPushes';

/** Counts requests to the WeChat endpoints. */
export class SandboxCountersRecorder {
  private counters: SandboxCounters = emptyCounters();

  tokenCall(kind: 'classic' | 'stable', forceRefresh = false): void {
    const calls = this.counters.tokenCalls;
    calls[kind] += 1;
    if (forceRefresh) calls.stableForceRefresh += 1;
    calls.total += 1;
  }

  lookup(transactionKey: string | undefined): void {
    this.counters.lookups += 1;
    if (transactionKey !== undefined) increment(this.counters.lookupsByTransaction, transactionKey);
  }

  successfulLookup(transactionKey: string): void {
    increment(this.counters.successfulLookupsByTransaction, transactionKey);
  }

  component(counter: ComponentCounter): void {
    this.counters[counter] += 1;
  }

  snapshot(): SandboxCounters {
    return {
      ...this.counters,
      tokenCalls: { ...this.counters.tokenCalls },
      lookups: this.counters.lookups,
      lookupsByTransaction: Object.fromEntries(Object.entries(this.counters.lookupsByTransaction)),
      successfulLookupsByTransaction: Object.fromEntries(
        Object.entries(this.counters.successfulLookupsByTransaction),
      ),
    };
  }

  reset(): void {
    this.counters = emptyCounters();
  }
}

function emptyCounters(): SandboxCounters {
  return {
    tokenCalls: { classic: 0, stable: 0, stableForceRefresh: 0, total: 0 },
    lookups: 0,
    lookupsByTransaction: {},
    successfulLookupsByTransaction: {},
    componentTokenFetches: 0,
    preAuthCodes: 0,
    queryAuth: 0,
    authorizerTokenFetches: 0,
    authorizerListCalls: 0,
    componentPushes: 0,
  };
}

function increment(map: Record<string, number>, key: string): void {
  // defineProperty keeps a key such as `__proto__` a plain counter.
  Object.defineProperty(map, key, {
    value: (Object.prototype.hasOwnProperty.call(map, key) ? map[key] : 0) + 1,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
