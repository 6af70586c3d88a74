/**
 * The lookups running in this process, by transaction id, so shutdown can wait for them: a row
 * handed back while its lookup still runs would be looked up a second time by another instance.
 */
export class InFlightLookups {
  private readonly running = new Map<string, Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  /** Tracks `run` until it settles; returns it unchanged. */
  track<T>(transactionId: string, run: Promise<T>): Promise<T> {
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(transactionId, settled);
    void settled.then(() => {
      if (this.running.get(transactionId) === settled) this.running.delete(transactionId);
    });
    return run;
  }

  /** Resolves once every lookup tracked now has settled, or after `withinMs`: `true` if all did. */
  async settle(withinMs: number): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    const all = Promise.all(this.running.values()).then(() => true as const);
    try {
      return await Promise.race([all, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
