/**
 * Resolves after `ms`, or rejects with the signal's reason once it aborts. It looks up the global
 * `setTimeout` on every call (unlike `node:timers/promises`), so Jest's fake timers and other
 * clock fakes control the library's backoff and polling delays.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
