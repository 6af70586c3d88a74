/**
 * Runs async jobs one at a time, in call order. A failed job does not stop the next one.
 * Jobs must not enqueue into the same queue and await it (that would wait forever).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
